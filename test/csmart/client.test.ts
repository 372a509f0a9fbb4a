import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha1Hex } from '../../lib/config/credentials.ts';
import { createCsmartClient, type CallEvent, type CsmartClientOptions } from '../../lib/csmart/client.ts';
import {
  CsmartAuthError, CsmartError, CsmartNetworkError, CsmartProtocolError, CsmartTimeoutError, CsmartUpstreamError, CsmartValidationError,
} from '../../lib/csmart/errors.ts';
import { createHttpTransport, type CsmartTransport } from '../../lib/csmart/http-transport.ts';
import { MODULE_NAMES, MODULES } from '../../lib/csmart/modules.ts';
import { createTokenCache } from '../../lib/csmart/token-cache.ts';
import { useSandbox } from '../support/sandbox.ts';

const sandbox = useSandbox();
const ATTEMPTS = 3;

function setup(overrides: Partial<CsmartClientOptions> = {}) {
  const events: CallEvent[] = [];
  const { endpoint, domain, email, password } = sandbox.demoCredentials;
  const client = createCsmartClient({
    credentials: async () => ({ endpoint, domain, email, hash: sha1Hex(password) }),
    retry: { attempts: ATTEMPTS, baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 2_000,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { client, events };
}

const callsTo = (module: string, action?: string) =>
  sandbox.current.requests.filter((r) => r.module === module && (action === undefined || r.action === action)).length;

async function failureOf(promise: Promise<unknown>): Promise<CsmartError> {
  try {
    await promise;
  } catch (error) {
    return error as CsmartError;
  }
  throw new Error('expected the call to fail');
}

/** Starts a server on a free loopback port; answers the port. */
const listening = (server: Server) => new Promise<number>((resolve) => {
  server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
});

async function inject(fault: Record<string, unknown>) {
  const response = await fetch(`${sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(fault) });
  expect(response.ok).toBe(true);
}

/** The sandbox logs a slow request when it answers, after the client gave up on it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 450));

describe('CSMART client against the sandbox', () => {
  it('logs in and reports the domain, not the token', async () => {
    const { client } = setup();
    expect(await client.login()).toEqual({ domain: 'demo' });
    expect(sandbox.current.stats.logins).toBe(1);
  });

  it.each(MODULE_NAMES)('lists %s', async (module) => {
    const { client } = setup();
    const records = await client.list(module);
    expect(Array.isArray(records)).toBe(true);
    for (const record of records) expect(typeof record.id).toBe('string');
    expect(callsTo(module, 'List')).toBe(1);
  });

  it('saves a client with every documented Accounts field and lists it back', async () => {
    const { client } = setup();
    const fields = Object.fromEntries(MODULES.Accounts.fields.map((f) => [f, `${f} value`]));
    fields.nip = '5260250274';
    const id = await client.save('Accounts', fields);
    const saved = (await client.list('Accounts')).find((r) => r.id === id);
    expect(saved).toMatchObject(fields);
  });

  it('saves a task with every documented Events field for an existing client', async () => {
    const { client } = setup();
    await client.save('Accounts', { name: 'Klient', nip: '5260250274' });
    const fields = Object.fromEntries(MODULES.Events.fields.map((f) => [f, `${f} value`]));
    Object.assign(fields, { nip: '5260250274', date_start: '2026-12-01', time_start: '09:00', date_end: '2026-12-01', time_end: '10:00', allDay: '0' });
    const id = await client.save('Events', fields);
    expect((await client.list('Events')).find((r) => r.id === id)).toMatchObject(fields);
  });

  it('saves an opportunity with every documented field linked to a client', async () => {
    const { client } = setup();
    const accountId = await client.save('Accounts', { name: 'Klient' });
    const fields = Object.fromEntries(MODULES.Opportunities.fields.map((f) => [f, `${f} value`]));
    fields.account_id = accountId;
    const id = await client.save('Opportunities', fields);
    expect((await client.list('Opportunities')).find((r) => r.id === id)).toMatchObject(fields);
  });

  it('edits the record given by id instead of creating one', async () => {
    const { client } = setup();
    const id = await client.save('Accounts', { name: 'Before', city: 'Kraków' });
    expect(await client.save('Accounts', { name: 'After' }, { id })).toBe(id);
    const accounts = await client.list('Accounts');
    expect(accounts.filter((r) => r.id === id)).toEqual([expect.objectContaining({ name: 'After', city: 'Kraków' })]);
    expect(accounts.filter((r) => r.name === 'Before')).toEqual([]);
  });

  it('reports CSMART refusing an unknown id as a validation error naming module and action', async () => {
    const { client } = setup();
    const error = await failureOf(client.save('Accounts', { name: 'x' }, { id: '999999' }));
    expect(error).toBeInstanceOf(CsmartValidationError);
    expect(error.message).toMatch(/Accounts\/Save/);
    expect(callsTo('Accounts', 'Save')).toBe(1);
  });

  it('reports the Events rule on an unknown NIP as a validation error, without retrying', async () => {
    const { client } = setup();
    const error = await failureOf(client.save('Events', { name: 'Telefon', nip: '1111111111' }));
    expect(error).toBeInstanceOf(CsmartValidationError);
    expect(callsTo('Events', 'Save')).toBe(1);
  });

  it('refuses unknown fields and a task without a name before any request is sent', async () => {
    const { client } = setup();
    const unknown = await failureOf(client.save('Accounts', { name: 'x', colour: 'red' } as never));
    expect(unknown).toMatchObject({ code: 'validation', field: 'colour' });
    const nameless = await failureOf(client.save('Events', { description: 'x' }));
    expect(nameless).toMatchObject({ code: 'validation', field: 'name' });
    expect(sandbox.current.requests).toHaveLength(0);
  });

  it('round-trips Polish letters, form syntax characters, new lines and emoji byte-exact', async () => {
    const { client } = setup();
    const text = 'Zażółć gęślą jaźń ZAŻÓŁĆ & a=b+c %20 100% ; "q" \'s\'\nline\r\nCRLF\ttab 🚀👩‍💻';
    const id = await client.save('Accounts', { name: text, description: text });
    const saved = (await client.list('Accounts')).find((r) => r.id === id);
    expect(Buffer.from(String(saved?.name))).toEqual(Buffer.from(text));
    expect(saved?.description).toBe(text);
  });

  it('normalises id-keyed lists and string ids', async () => {
    const { client } = setup();
    await client.save('Accounts', { name: 'A' });
    await fetch(`${sandbox.current.adminUrl}/settings`, { method: 'POST', body: JSON.stringify({ listShape: 'object', idType: 'string' }) });
    const records = await client.list('Accounts');
    expect(records).toEqual([expect.objectContaining({ id: expect.any(String), name: 'A' })]);
  });
});

describe('tokens', () => {
  it('logs in once for 100 concurrent calls in one process', async () => {
    const { client } = setup();
    await Promise.all(Array.from({ length: 100 }, () => client.list('Products')));
    expect(sandbox.current.stats.logins).toBe(1);
    expect(callsTo('Products', 'List')).toBe(100);
  });

  it('reuses the token across warm invocations: one client keeps it, and clients given one token cache share it', async () => {
    const { client } = setup();
    await client.list('Products');
    await client.list('Products');
    const tokens = createTokenCache();
    await setup({ tokens }).client.list('Products');
    await setup({ tokens }).client.list('Products');
    expect(sandbox.current.stats.logins).toBe(2);
  });

  it('starts without a token in a new client (a new execution environment)', async () => {
    await setup().client.list('Products');
    await setup().client.list('Products');
    expect(sandbox.current.stats.logins).toBe(2);
  });

  it('logs in again once and repeats the call once when the token expired', async () => {
    const { client, events } = setup();
    await client.list('Products');
    sandbox.current.expireTokens();
    await client.list('Products');
    expect(sandbox.current.stats.logins).toBe(2);
    expect(callsTo('Products', 'List')).toBe(3);
    expect(events.filter((e) => e.type === 'relogin')).toHaveLength(1);
  });

  it('shares one re-login among concurrent calls whose token expired', async () => {
    const { client } = setup();
    await client.list('Products');
    sandbox.current.expireTokens();
    await Promise.all(Array.from({ length: 20 }, () => client.list('Products')));
    expect(sandbox.current.stats.logins).toBe(2);
  });

  it('gives up with an auth error when the fresh token is refused too', async () => {
    const { client } = setup();
    await client.login();
    sandbox.current.setTokenTtl(0);
    sandbox.current.expireTokens();
    const error = await failureOf(client.list('Products'));
    expect(error).toBeInstanceOf(CsmartAuthError);
    expect(sandbox.current.stats.logins).toBe(2);
    expect(callsTo('Products', 'List')).toBe(2);
  });

  it('logs in again once and repeats the call when a cached token is refused in words the client does not know', async () => {
    const { client, events } = setup();
    await client.list('Products');
    sandbox.current.settings.errorTexts = 'alternative';
    sandbox.current.expireTokens();
    await expect(client.list('Products')).resolves.toBeInstanceOf(Array);
    await expect(client.list('Products')).resolves.toBeInstanceOf(Array);
    expect(sandbox.current.stats.logins).toBe(2);
    // The dead token is not retried: one refused List, the login, the repeat, then the next call.
    expect(callsTo('Products', 'List')).toBe(4);
    expect(events.filter((e) => e.type === 'relogin')).toEqual([{ type: 'relogin', module: 'Products', action: 'List', refusal: 'Odmowa dostępu (kod 401).' }]);
  });

  it('repeats a Save refused in unknown words once with a new token, as a refused Save was not stored', async () => {
    const { client } = setup();
    await client.login();
    sandbox.current.settings.errorTexts = 'alternative';
    sandbox.current.expireTokens();
    const id = await client.save('Accounts', { name: 'Po wygaśnięciu' });
    expect((await client.list('Accounts')).filter((r) => r.name === 'Po wygaśnięciu')).toEqual([expect.objectContaining({ id })]);
    expect(sandbox.current.stats.logins).toBe(2);
    expect(callsTo('Accounts', 'Save')).toBe(2);
  });

  it('shares one re-login among concurrent calls refused in unknown words', async () => {
    const { client } = setup();
    await client.list('Products');
    sandbox.current.settings.errorTexts = 'alternative';
    sandbox.current.expireTokens();
    await Promise.all(Array.from({ length: 20 }, () => client.list('Products')));
    expect(sandbox.current.stats.logins).toBe(2);
  });

  it('reads a refusal in unknown words that persists after the one re-login as before, a List retried and a Save not', async () => {
    const { client, events } = setup();
    await client.login();
    await inject({ kind: 'error', text: 'Coś poszło nie tak.', module: 'Products', count: -1 });
    await inject({ kind: 'error', text: 'Coś poszło nie tak.', module: 'Accounts', action: 'Save', count: -1 });
    const listed = await failureOf(client.list('Products'));
    expect(listed).toBeInstanceOf(CsmartUpstreamError);
    expect(listed.message).toContain('Coś poszło nie tak.');
    expect(sandbox.current.stats.logins).toBe(2);
    expect(callsTo('Products', 'List')).toBe(1 + ATTEMPTS);
    const saved = await failureOf(client.save('Accounts', { name: 'x' }));
    expect(saved).toBeInstanceOf(CsmartUpstreamError);
    expect(sandbox.current.stats.logins).toBe(3);
    expect(callsTo('Accounts', 'Save')).toBe(2);
    expect(events.filter((e) => e.type === 'relogin')).toHaveLength(2);
  });

  it('does not log in again for a refusal in unknown words of a token it has just logged in with', async () => {
    const { client, events } = setup();
    await inject({ kind: 'error', text: 'Coś poszło nie tak.', module: 'Products', count: -1 });
    const error = await failureOf(client.list('Products'));
    expect(error).toBeInstanceOf(CsmartUpstreamError);
    expect(sandbox.current.stats.logins).toBe(1);
    expect(callsTo('Products', 'List')).toBe(ATTEMPTS);
    expect(events.filter((e) => e.type === 'relogin')).toEqual([]);
  });

  it('does not log in again for a refusal it knows to be about the data, nor for one it knows to be transient', async () => {
    const { client } = setup();
    await client.login();
    await inject({ kind: 'error', text: 'Przerwa techniczna. Zapraszamy za kilka minut.', module: 'Products', count: -1 });
    expect(await failureOf(client.list('Products'))).toBeInstanceOf(CsmartUpstreamError);
    expect(await failureOf(client.save('Accounts', { name: 'x' }, { id: '999999' }))).toBeInstanceOf(CsmartValidationError);
    expect(sandbox.current.stats.logins).toBe(1);
    expect(callsTo('Products', 'List')).toBe(ATTEMPTS);
    expect(callsTo('Accounts', 'Save')).toBe(1);
  });

  it('reports wrong credentials as an auth error, logging in once', async () => {
    const { endpoint, domain, email } = sandbox.demoCredentials;
    const { client } = setup({ credentials: async () => ({ endpoint, domain, email, hash: sha1Hex('wrong') }) });
    const error = await failureOf(client.list('Products'));
    expect(error).toBeInstanceOf(CsmartAuthError);
    expect(error.message).toContain('refused the login');
    expect(callsTo('Login')).toBe(1);
  });
});

describe('faults', () => {

  it.each([
    ['status', { kind: 'status', status: 503 }, CsmartUpstreamError],
    ['html', { kind: 'html' }, CsmartProtocolError],
    ['truncate', { kind: 'truncate' }, CsmartProtocolError],
    ['empty', { kind: 'empty' }, CsmartProtocolError],
    ['php-warning', { kind: 'php-warning' }, CsmartProtocolError],
    ['drop', { kind: 'drop' }, CsmartNetworkError],
  ] as const)('retries a List %s fault %i times in all, then reports a typed error', async (_name, fault, type) => {
    const { client } = setup();
    await client.login();
    await inject({ ...fault, module: 'Products', count: -1 });
    const error = await failureOf(client.list('Products'));
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ module: 'Products', action: 'List' });
    expect(callsTo('Products', 'List')).toBe(ATTEMPTS);
  });

  it('treats an error text answered with HTTP 503 (maintenance) as CSMART being down, so the work is retried', async () => {
    let lists = 0;
    // CSMART during maintenance: the login works, every other call answers its envelope with HTTP 503.
    const maintenance = createHttpServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url?.includes('module=Login')) {
          response.writeHead(200, { 'content-type': 'text/html' }).end('\uFEFF{"error":"","data":{"token":"t0k3n"}}');
          return;
        }
        lists++;
        response.writeHead(503, { 'content-type': 'text/html' }).end('\uFEFF{"error":"Przerwa techniczna","data":null}');
      });
    });
    const port = await listening(maintenance);
    try {
      const { client } = setup({ credentials: async () => ({ endpoint: `http://127.0.0.1:${port}/app/api.php`, domain: 'demo', email: 'x', hash: 'y' }) });
      const error = await failureOf(client.list('Products'));
      expect(error).toBeInstanceOf(CsmartUpstreamError);
      expect(error.transient).toBe(true);
      expect(lists).toBe(ATTEMPTS);
    } finally {
      maintenance.closeAllConnections();
      maintenance.close();
    }
  });

  it('recovers when a List fault passes before the attempts run out', async () => {
    const { client, events } = setup();
    await client.login();
    await inject({ kind: 'status', status: 502, module: 'Products', count: ATTEMPTS - 1 });
    await expect(client.list('Products')).resolves.toBeInstanceOf(Array);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(ATTEMPTS - 1);
  });

  it('times out a slow List per call and retries it', async () => {
    const { client } = setup({ timeoutMs: 100 });
    await client.login();
    await inject({ kind: 'latency', ms: 400, module: 'Products', count: -1 });
    const error = await failureOf(client.list('Products'));
    expect(error).toBeInstanceOf(CsmartTimeoutError);
    await settle();
    expect(callsTo('Products', 'List')).toBe(ATTEMPTS);
  });

  it.each([
    ['status', { kind: 'status', status: 500 }, CsmartUpstreamError],
    ['html', { kind: 'html' }, CsmartProtocolError],
    ['drop', { kind: 'drop' }, CsmartNetworkError],
    ['latency', { kind: 'latency', ms: 400 }, CsmartTimeoutError],
  ] as const)('never repeats a Save after a %s fault: it may have been stored', async (_name, fault, type) => {
    const { client } = setup({ timeoutMs: 100 });
    await client.login();
    await inject({ ...fault, module: 'Accounts', action: 'Save', count: -1 });
    const error = await failureOf(client.save('Accounts', { name: 'Once' }));
    expect(error).toBeInstanceOf(type);
    await settle();
    expect(callsTo('Accounts', 'Save')).toBe(1);
  });

  it('repeats a Save whose connection was refused, which provably never reached CSMART', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const { events, client } = setup({ credentials: async () => ({ endpoint: `http://127.0.0.1:${closedPort}/app/api.php`, domain: 'demo', email: 'x', hash: 'y' }) });
    const error = await failureOf(client.save('Accounts', { name: 'x' }));
    expect(error).toBeInstanceOf(CsmartNetworkError);
    expect((error as CsmartNetworkError).neverSent).toBe(true);
    // The login is refused first: retried as a read.
    expect(events.filter((e) => e.type === 'request' && e.action === 'Login')).toHaveLength(ATTEMPTS);
  });

  it('keeps one TCP connection for 100 sequential calls', async () => {
    const { client } = setup();
    const before = sandbox.current.stats.connections;
    for (let i = 0; i < 100; i++) await client.list('Products');
    expect(sandbox.current.stats.connections - before).toBeLessThanOrEqual(1);
  });
});

describe('secrets', () => {
  it('puts no password, hash or token in any error message or client event', async () => {
    const { endpoint, domain, email, password } = sandbox.demoCredentials;
    const hash = sha1Hex(password);
    const sentTokens = new Set<string>();
    const http = createHttpTransport();
    const recording: CsmartTransport = (request) => {
      const token = new URLSearchParams(request.body).get('token');
      if (token) sentTokens.add(token);
      return http(request);
    };
    const { client, events } = setup({ timeoutMs: 100, transport: recording });
    const messages: string[] = [];
    const collect = (promise: Promise<unknown>) => promise.catch((e: Error) => { messages.push(`${e.message} ${String(e.cause ?? '')}`); });
    for (const kind of ['html', 'php-warning', 'truncate', 'status', 'drop', 'latency']) {
      await fetch(`${sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ kind, status: 500, ms: 400, count: 1, module: 'Accounts' }) });
      await collect(client.save('Accounts', { name: 'x' }));
    }
    sandbox.current.setTokenTtl(0);
    sandbox.current.expireTokens();
    await collect(client.list('Products'));
    await collect(setup({ credentials: async () => ({ endpoint, domain, email, hash: sha1Hex('wrong') }) }).client.login());
    const text = messages.join('\n') + JSON.stringify(events);
    expect(messages.length).toBe(8);
    expect(sentTokens.size).toBeGreaterThan(0);
    for (const secret of [password, hash, ...sentTokens]) expect(text).not.toContain(secret);
  });
});
