import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../sandbox/server.ts';
import { useSandbox } from '../support/sandbox.ts';
import { admin, post, session, sha1 } from './wire-client.ts';

const sandbox = useSandbox();

describe('request log', () => {
  it('logs module, action, status, field names and parameters, with secrets masked', async () => {
    const { call, token } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Tajna Firma', email: 'prezes@tajna.pl' });

    const { json } = await admin(sandbox.current, 'GET', '/requests');

    const log = json as RequestLogEntry[];
    expect(log).toEqual([
      expect.objectContaining({ module: 'Login', action: 'Login', status: 200, outcome: 'ok', fields: [], params: { domain: 'demo', email: 'demo@csmart.local', hash: '***' } }),
      expect.objectContaining({ module: 'Accounts', action: 'Save', status: 200, outcome: 'ok', fields: ['name', 'email'], params: { domain: 'demo', token: '***' } }),
    ]);
    const text = JSON.stringify(log);
    for (const secret of [token, sha1('demo-password'), 'Tajna Firma', 'prezes@tajna.pl']) expect(text).not.toContain(secret);
    expect(Date.parse(log[0]!.at)).not.toBeNaN();
  });

  it('logs the error text of a refused call', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { id: '5', name: 'x' });

    expect(sandbox.current.requests.at(-1)).toMatchObject({ outcome: 'error', error: 'Rekord o podanym id nie istnieje.', params: { id: '5' } });
  });
});

describe('stats', () => {
  it('counts logins, other calls and the peak of concurrent calls', async () => {
    const { call } = await session(sandbox.current);
    sandbox.current.faults.add({ kind: 'latency', ms: 150, count: 3, module: 'Products' });

    await Promise.all([call('Products', 'List'), call('Products', 'List'), call('Products', 'List')]);
    await call('Accounts', 'List');

    const { json } = await admin(sandbox.current, 'GET', '/stats');
    expect(json).toMatchObject({ logins: 1, calls: 4, inFlight: 0, peakInFlight: 3 });
  });
});

describe('admin routes', () => {
  it('lists the records of a module, and puts one', async () => {
    const put = await admin(sandbox.current, 'POST', '/records/Accounts', { name: 'Z panelu', nip: '5260250274' });
    const list = await admin(sandbox.current, 'GET', '/records/Accounts');

    expect(put.status).toBe(201);
    expect(list.json).toEqual([{ id: 1, name: 'Z panelu', nip: '5260250274' }]);
    expect((await admin(sandbox.current, 'GET', '/records/Nothing')).status).toBe(400);
  });

  it('adds synthetic accounts with seed-accounts', async () => {
    const first = await admin(sandbox.current, 'POST', '/seed-accounts', { count: 1000 });
    const second = await admin(sandbox.current, 'POST', '/seed-accounts', { count: 500 });

    expect(first.json).toEqual({ added: 1000, total: 1000 });
    expect(second.json).toEqual({ added: 500, total: 1500 });
    expect((await admin(sandbox.current, 'POST', '/seed-accounts', { count: 0 })).status).toBe(400);
  });

  it('expires tokens', async () => {
    const { call } = await session(sandbox.current);

    await admin(sandbox.current, 'POST', '/expire-tokens');

    expect((await call('Products', 'List')).envelope?.error).toBe('Nieprawidłowy lub wygasły token. Zaloguj się ponownie.');
  });

  it('sets the token lifetime', async () => {
    const { call } = await session(sandbox.current);

    expect((await admin(sandbox.current, 'POST', '/token-ttl', { seconds: 0.1 })).json).toEqual({ seconds: 0.1 });
    await sleep(150);

    expect((await call('Products', 'List')).envelope?.error).toBe('Nieprawidłowy lub wygasły token. Zaloguj się ponownie.');
    expect((await admin(sandbox.current, 'POST', '/token-ttl', { seconds: 'long' })).status).toBe(400);
  });

  it('reads and changes the answer settings, refusing unknown values', async () => {
    expect((await admin(sandbox.current, 'GET', '/settings')).json).toMatchObject({ listShape: 'array', idType: 'number', nipMatch: 'digits' });
    expect((await admin(sandbox.current, 'POST', '/settings', { idType: 'string', nipMatch: 'exact' })).json).toMatchObject({ listShape: 'array', idType: 'string', nipMatch: 'exact' });
    expect((await admin(sandbox.current, 'POST', '/settings', { nipMatch: 'text' })).status).toBe(400);
    expect((await admin(sandbox.current, 'POST', '/settings', { listShape: 'map' })).status).toBe(400);
  });

  it('resets store, log, faults, tokens, stats and settings', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'x' });
    sandbox.current.faults.add({ kind: 'empty', count: -1, module: 'Nothing' });
    sandbox.current.settings.idType = 'string';

    await admin(sandbox.current, 'POST', '/reset');

    expect(sandbox.current.store.count('Accounts')).toBe(0);
    expect(sandbox.current.store.count('Products')).toBeGreaterThan(0);
    expect(sandbox.current.requests).toEqual([]);
    expect(sandbox.current.faults.size).toBe(0);
    expect(sandbox.current.settings).toEqual({ listShape: 'array', idType: 'number', editMode: 'merge', fieldNames: {}, nipMatch: 'digits', errorTexts: 'default', requiredOnEdit: 'stored' });
    expect(sandbox.current.stats).toMatchObject({ logins: 0, calls: 0 });
    expect((await call('Products', 'List')).envelope?.error).toBe('Nieprawidłowy lub wygasły token. Zaloguj się ponownie.');
  });

  it('answers 404 for an unknown route and 400 for a body that is not JSON', async () => {
    expect((await admin(sandbox.current, 'GET', '/nothing')).status).toBe(404);
    const response = await fetch(`${sandbox.current.adminUrl}/faults`, { method: 'POST', body: 'kind=empty' });
    expect(response.status).toBe(400);
  });

  it('answers 404 outside api.php and /__admin without logging a call', async () => {
    const response = await fetch(sandbox.current.url.replace('/app/api.php', '/index.php'));

    expect(response.status).toBe(404);
    expect(sandbox.current.requests).toEqual([]);
  });

  it('does not log admin requests as calls', async () => {
    await admin(sandbox.current, 'GET', '/stats');
    await post(sandbox.current, { module: 'Login' }, { domain: 'demo' });

    expect(sandbox.current.requests).toHaveLength(1);
    expect(sandbox.current.stats).toMatchObject({ logins: 1, calls: 0 });
  });
});
