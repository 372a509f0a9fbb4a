import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpAnswer = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

/** Sent with every answer: the API serves data and redirects, never pages to frame or sniff. */
export const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function redirect(location: string, headers: Record<string, string> = {}): HttpAnswer {
  return { statusCode: 303, headers: { location, ...headers }, body: '' };
}

export function empty(statusCode: number, headers: Record<string, string> = {}): HttpAnswer {
  return { statusCode, headers, body: '' };
}
