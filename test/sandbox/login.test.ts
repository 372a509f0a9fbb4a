import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { useSandbox } from '../support/sandbox.ts';
import { login, post, read, session, sha1 } from './wire-client.ts';

const sandbox = useSandbox();
const DEMO = { domain: 'demo', email: 'demo@csmart.local', hash: sha1('demo-password') };

describe('Login', () => {
  it('answers the domain and a 32-hex token for the demo user', async () => {
    const answer = await post(sandbox.current, { module: 'Login' }, DEMO);

    expect(answer.envelope).toEqual({ error: '', data: { domain: 'demo', token: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    expect(sandbox.current.stats.logins).toBe(1);
  });

  it('answers like a PHP service: status 200, text/html UTF-8, a BOM before the JSON', async () => {
    const answer = await post(sandbox.current, { module: 'Login' }, DEMO);

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/html; charset=UTF-8');
    expect([...answer.bytes.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x7b]);
  });

  it('accepts the SHA-1 hash in upper case too', async () => {
    const answer = await post(sandbox.current, { module: 'Login' }, { ...DEMO, hash: DEMO.hash.toUpperCase() });

    expect(answer.envelope?.error).toBe('');
  });

  it('gives two different logins two different tokens', async () => {
    expect(await login(sandbox.current)).not.toBe(await login(sandbox.current));
  });

  it.each([
    ['password', { ...DEMO, hash: sha1('wrong') }],
    ['e-mail', { ...DEMO, email: 'nobody@csmart.local' }],
    ['domain', { ...DEMO, domain: 'other' }],
  ])('refuses a wrong %s with the same text, not saying which part is wrong', async (_part, fields) => {
    const answer = await post(sandbox.current, { module: 'Login' }, fields);

    expect(answer.status).toBe(200);
    expect(answer.envelope).toEqual({ error: 'Nieprawidłowy login lub hasło.', data: null });
  });

  it.each(['domain', 'email', 'hash'])('names the missing parameter %s', async (missing) => {
    const fields: Record<string, string> = { ...DEMO };
    delete fields[missing];

    const answer = await post(sandbox.current, { module: 'Login' }, fields);

    expect(answer.envelope?.error).toBe(`Brak wymaganego parametru: ${missing}`);
  });

  it('answers a GET with the vendor envelope instead of failing', async () => {
    const answer = await read(await fetch(`${sandbox.current.url}?module=Accounts&action=List&domain=demo`));

    expect(answer.status).toBe(200);
    expect(answer.envelope?.error).toMatch(/POST/);
  });
});

describe('tokens', () => {
  const expired = { error: 'Nieprawidłowy lub wygasły token. Zaloguj się ponownie.', data: null };

  it('accepts a fresh token and refuses an unknown one', async () => {
    const token = await login(sandbox.current);

    const good = await post(sandbox.current, { module: 'Products', action: 'List' }, { domain: 'demo', token });
    const bad = await post(sandbox.current, { module: 'Products', action: 'List' }, { domain: 'demo', token: '0'.repeat(32) });

    expect(good.envelope?.error).toBe('');
    expect(bad.envelope).toEqual(expired);
  });

  it('refuses every token after expireTokens()', async () => {
    const { call } = await session(sandbox.current);
    sandbox.current.expireTokens();

    expect((await call('Products', 'List')).envelope).toEqual(expired);
  });

  it('lets tokens run out after the TTL, also tokens issued before the TTL changed', async () => {
    const { call } = await session(sandbox.current);
    sandbox.current.setTokenTtl(0.2);

    expect((await call('Products', 'List')).envelope?.error).toBe('');
    await sleep(250);
    expect((await call('Products', 'List')).envelope).toEqual(expired);
  });

  it.each(['domain', 'token'])('names the missing parameter %s of a call', async (missing) => {
    const fields: Record<string, string> = { domain: 'demo', token: await login(sandbox.current) };
    delete fields[missing];

    const answer = await post(sandbox.current, { module: 'Products', action: 'List' }, fields);

    expect(answer.envelope?.error).toBe(`Brak wymaganego parametru: ${missing}`);
  });
});

describe('two domains', () => {
  let twoDomains: Sandbox;
  beforeAll(async () => {
    twoDomains = await startSandbox({
      users: [
        { domain: 'alfa', email: 'a@alfa.pl', password: 'hasło-alfa' },
        { domain: 'beta', email: 'b@beta.pl', password: 'hasło-beta' },
      ],
    });
  });
  afterAll(() => twoDomains.close());

  it('refuses a token issued for another domain', async () => {
    const alfaToken = await login(twoDomains, { domain: 'alfa', email: 'a@alfa.pl', password: 'hasło-alfa' });

    const answer = await post(twoDomains, { module: 'Products', action: 'List' }, { domain: 'beta', token: alfaToken });

    expect(answer.envelope?.error).toBe('Nieprawidłowy lub wygasły token. Zaloguj się ponownie.');
  });

  it('keeps the records of each domain apart', async () => {
    const alfaToken = await login(twoDomains, { domain: 'alfa', email: 'a@alfa.pl', password: 'hasło-alfa' });
    const betaToken = await login(twoDomains, { domain: 'beta', email: 'b@beta.pl', password: 'hasło-beta' });

    await post(twoDomains, { module: 'Accounts', action: 'Save' }, { domain: 'alfa', token: alfaToken, name: 'Tylko w alfa' });
    const beta = await post(twoDomains, { module: 'Accounts', action: 'List' }, { domain: 'beta', token: betaToken });

    expect(twoDomains.store.list('Accounts', 'alfa')).toHaveLength(1);
    expect(beta.envelope).toEqual({ error: '', data: [] });
  });
});
