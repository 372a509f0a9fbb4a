import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A request header's value. Payload v2 lower-cases header names, so the direct lookup is the one that
 * matters; the scan keeps hand-made events (tests, other emulators) with mixed-case names working.
 */
export function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  if (Object.hasOwn(headers, wanted)) return headers[wanted];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export type MediaType = { type: string; params: Record<string, string> };

/** Parses a Content-Type value (`type/subtype; name=value; name="quoted"`); type and parameter names lower-cased. */
export function parseMediaType(value: string): MediaType {
  const [head = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let param = part.slice(eq + 1).trim();
    if (param.length >= 2 && param.startsWith('"') && param.endsWith('"')) param = param.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name !== '' && !Object.hasOwn(params, name)) params[name] = param;
  }
  return { type: head.trim().toLowerCase(), params };
}
