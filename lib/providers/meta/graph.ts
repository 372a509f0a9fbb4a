import { MetaGraphUnavailableError } from './errors.ts';
import { GraphLeadSchema, type GraphLead } from './payload.ts';
import * as v from 'valibot';

export type GraphClientOptions = {
  /** With the version: `https://graph.facebook.com/v23.0` (CSMART_META_GRAPH_URL). */
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
};

/**
 * `GET /{leadgen_id}?access_token=<page token>` → the lead with its `field_data`. Every failure is a
 * `MetaGraphUnavailableError` whose message names the HTTP status and Graph's error code, never the token
 * or the URL (which holds it).
 */
export async function fetchLead(leadgenId: string, pageToken: string, options: GraphClientOptions): Promise<GraphLead> {
  const doFetch = options.fetch ?? fetch;
  const url = new URL(`${options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(leadgenId)}`);
  url.searchParams.set('access_token', pageToken);
  let response: Response;
  let body: unknown;
  try {
    response = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
    body = JSON.parse(await response.text());
  } catch (error) {
    throw new MetaGraphUnavailableError(`The Graph API did not answer (${(error as Error)?.name ?? 'Error'})`);
  }
  if (!response.ok) {
    const graphError = (body as { error?: { code?: unknown; type?: unknown } } | undefined)?.error;
    const code = typeof graphError?.code === 'number' ? ` code ${graphError.code}` : '';
    throw new MetaGraphUnavailableError(`The Graph API answered HTTP ${response.status}${code}`);
  }
  const lead = v.safeParse(GraphLeadSchema, body);
  if (!lead.success) throw new MetaGraphUnavailableError('The Graph API answered something that is not a lead');
  return lead.output;
}
