import type { IncomingMessage, ServerResponse } from 'node:http';
import { isModuleName } from '../lib/csmart/modules.ts';
import { BehaviourInputError, parseBehaviour } from './behaviour.ts';
import { FaultInputError } from './faults.ts';
import type { Sandbox } from './server.ts';
import { normaliseDomain } from './users.ts';
import { readBody, send } from './wire.ts';

const MAX_ADMIN_BODY_BYTES = 1024 * 1024;
const MAX_SEED_COUNT = 5_000_000;

/** A bad admin request: answered 400 with the message (admin input is the tester's own, never a secret). */
class AdminInputError extends Error {
  override name = 'AdminInputError';
  readonly code = 'admin-input';
}

type Route = (sandbox: Sandbox, body: Record<string, unknown>, url: URL, name: string) => unknown;

// "METHOD /path" → handler; `/records/<Module>` passes the module as `name`.
const ROUTES: Record<string, Route> = {
  'GET /': () => ({ routes: Object.keys(ROUTES) }),
  'GET /faults': (sandbox) => sandbox.faults.list(),
  'POST /faults': (sandbox, body) => sandbox.faults.add(body as never),
  'DELETE /faults': (sandbox) => {
    sandbox.faults.clear();
    return { ok: true };
  },
  'POST /expire-tokens': (sandbox) => {
    sandbox.expireTokens();
    return { ok: true };
  },
  'POST /token-ttl': (sandbox, body) => {
    if (typeof body.seconds !== 'number' || !(body.seconds >= 0)) throw new AdminInputError('seconds must be a number, 0 or more');
    sandbox.setTokenTtl(body.seconds);
    return { seconds: body.seconds };
  },
  'GET /settings': (sandbox) => sandbox.settings,
  'POST /settings': (sandbox, body) => {
    if (body.listShape !== undefined && body.listShape !== 'array' && body.listShape !== 'object') throw new AdminInputError("listShape must be 'array' or 'object'");
    if (body.idType !== undefined && body.idType !== 'number' && body.idType !== 'string') throw new AdminInputError("idType must be 'number' or 'string'");
    const behaviour = parseBehaviour(body);
    if (body.listShape) sandbox.settings.listShape = body.listShape;
    if (body.idType) sandbox.settings.idType = body.idType;
    Object.assign(sandbox.settings, behaviour);
    return sandbox.settings;
  },
  'POST /reset': (sandbox) => {
    sandbox.reset();
    return { ok: true };
  },
  'GET /requests': (sandbox) => sandbox.requests,
  'GET /stats': (sandbox) => sandbox.stats,
  'GET /records': (sandbox, _body, url, name) => {
    const domain = url.searchParams.get('domain');
    return sandbox.store.list(moduleNamed(name), domain ? normaliseDomain(domain) : undefined);
  },
  'POST /records': (sandbox, body, url, name) => {
    const domain = url.searchParams.get('domain');
    return sandbox.store.put(moduleNamed(name), body as never, domain ? normaliseDomain(domain) : undefined);
  },
  'POST /seed-accounts': (sandbox, body) => {
    const count = body.count;
    if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > MAX_SEED_COUNT) {
      throw new AdminInputError(`count must be an integer from 1 to ${MAX_SEED_COUNT}`);
    }
    if (body.domain !== undefined && typeof body.domain !== 'string') throw new AdminInputError('domain must be a string');
    const before = sandbox.store.count('Accounts', body.domain ? normaliseDomain(body.domain) : undefined);
    const total = sandbox.seedAccounts(count as number, body.domain);
    return { added: total - before, total };
  },
};

function moduleNamed(name: string) {
  if (!isModuleName(name)) throw new AdminInputError(`unknown module: ${name}`);
  return name;
}

/** The `/__admin` routes: JSON in, JSON out, the same operations as the in-process handle. */
export async function handleAdmin(request: IncomingMessage, response: ServerResponse, url: URL, sandbox: Sandbox): Promise<void> {
  const path = url.pathname.slice('/__admin'.length) || '/';
  const [, first = '', name = ''] = path.split('/');
  const route = ROUTES[`${request.method} /${first}`];
  let status = 200;
  let answer: unknown;
  try {
    const raw = (await readBody(request, MAX_ADMIN_BODY_BYTES)).toString('utf8').trim();
    if (!route || (name !== '' && first !== 'records')) {
      status = 404;
      answer = { error: `no admin route ${request.method} ${url.pathname}` };
    } else {
      let body: unknown = {};
      try {
        if (raw !== '') body = JSON.parse(raw);
      } catch {
        throw new AdminInputError('the body must be JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminInputError('the body must be a JSON object');
      answer = route(sandbox, body as Record<string, unknown>, url, decodeURIComponent(name)) ?? { ok: true };
      if (request.method === 'POST' && (first === 'faults' || first === 'records')) status = 201;
    }
  } catch (error) {
    if (!(error instanceof AdminInputError || error instanceof FaultInputError || error instanceof BehaviourInputError || error instanceof TypeError || error instanceof RangeError || error instanceof URIError)) throw error;
    status = 400;
    answer = { error: error.message };
  }
  send(response, status, 'application/json; charset=utf-8', [Buffer.from(JSON.stringify(answer))]);
}
