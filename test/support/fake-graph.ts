import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export type FakeGraph = {
  /** Base URL with the API version, as CSMART_META_GRAPH_URL takes it. */
  readonly url: string;
  /** Leads by id, as `GET /{leadgen_id}` answers them. */
  leads: Map<string, unknown>;
  /** Page access tokens accepted. */
  tokens: Set<string>;
  /** The next N requests answer Graph's error for a temporary outage (HTTP 500, code 2). */
  failNext(count: number): void;
  /** Paths asked for (the token left out). */
  requests: string[];
};

/**
 * A local stand-in for Meta's Graph API, for a test file: `GET /v23.0/{leadgen_id}?access_token=…` answers a
 * stored lead, Graph's OAuth error (190) for a token it does not know, and its "temporarily unavailable"
 * error (code 2, HTTP 500) when told to fail.
 */
export function useFakeGraph(): FakeGraph {
  const state = { failures: 0, url: '' };
  const leads = new Map<string, unknown>();
  const tokens = new Set<string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://graph.local');
    requests.push(url.pathname);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    if (state.failures > 0) {
      state.failures--;
      return send(500, { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', is_transient: true, code: 2, fbtrace_id: 'A1b2C3' } });
    }
    if (!tokens.has(url.searchParams.get('access_token') ?? '')) {
      return send(400, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'A1b2C3' } });
    }
    const lead = leads.get(url.pathname.replace(/^\/v[\d.]+\//, ''));
    if (!lead) return send(400, { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100, error_subcode: 33, fbtrace_id: 'A1b2C3' } });
    return send(200, lead);
  });
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v23.0`;
  });
  beforeEach(() => {
    state.failures = 0;
    requests.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });
  return {
    get url() { return state.url; },
    leads,
    tokens,
    failNext(count) { state.failures = count; },
    requests,
  };
}
