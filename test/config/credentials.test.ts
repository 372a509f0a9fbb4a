import type { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialsSource, sha1Hex } from '../../lib/config/credentials.ts';
import { createParameterCache } from '../../lib/config/parameter-cache.ts';
import { readSettings } from '../../lib/config/settings.ts';
import { CsmartConfigError } from '../../lib/csmart/errors.ts';
import { localSsmClient, startLocalSsm } from '../../emulators/ssm.ts';
import { registerSecret } from '../support/log-scan.ts';
import { thrown } from '../support/thrown.ts';
import type { LocalSsm } from '../../emulators/ssm.ts';
import { sdkSsm } from '../../lib/aws/sdk-ssm.ts';

const settings = readSettings({ CSMART_STAGE: 'test', CSMART_API_URL: 'http://127.0.0.1:8787/app/api.php' });
const PASSWORD = 'Zażółć-gęślą-jaźń-1';
// SHA-1 of the UTF-8 bytes, computed independently (printf '%s' 'Zażółć-gęślą-jaźń-1' | sha1sum).
const PASSWORD_SHA1 = 'f0e73cfd2dd5f7a1f863aebf8ea9fcf2f18c8e1b';
registerSecret(PASSWORD, PASSWORD_SHA1);

const configError = (act: () => unknown) => thrown(CsmartConfigError, act);

describe('sha1Hex', () => {
  it('hashes the UTF-8 bytes into lower-case hex', () => {
    expect(sha1Hex('password')).toBe('5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8');
    expect(sha1Hex(PASSWORD)).toBe(PASSWORD_SHA1);
  });
});

describe('credentials from the environment', () => {
  it('uses CSMART_DOMAIN, CSMART_EMAIL and the SHA-1 of CSMART_PASSWORD without asking SSM', async () => {
    const source = createCredentialsSource({
      settings,
      env: { CSMART_DOMAIN: 'acme', CSMART_EMAIL: 'ops@acme.pl', CSMART_PASSWORD: PASSWORD },
      parameters: { get: () => Promise.reject(new Error('SSM must not be asked')) },
    });

    await expect(source()).resolves.toEqual({ endpoint: 'http://127.0.0.1:8787/app/api.php', domain: 'acme', email: 'ops@acme.pl', hash: PASSWORD_SHA1 });
  });

  it('takes CSMART_PASSWORD_SHA1 as the hash, lower-cased', async () => {
    const source = createCredentialsSource({
      settings,
      env: { CSMART_DOMAIN: 'acme', CSMART_EMAIL: 'ops@acme.pl', CSMART_PASSWORD_SHA1: PASSWORD_SHA1.toUpperCase() },
    });

    expect((await source()).hash).toBe(PASSWORD_SHA1);
  });

  it('names what is missing from a partial set, at creation', () => {
    const error = configError(() => createCredentialsSource({ settings, env: { CSMART_DOMAIN: 'acme', CSMART_PASSWORD: PASSWORD } }));

    expect(error.message).toContain('CSMART_EMAIL');
    expect(error.message).not.toContain('CSMART_DOMAIN');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('asks for a password when only domain and email are set', () => {
    const error = configError(() => createCredentialsSource({ settings, env: { CSMART_DOMAIN: 'acme', CSMART_EMAIL: 'ops@acme.pl' } }));

    expect(error.message).toContain('CSMART_PASSWORD or CSMART_PASSWORD_SHA1');
  });

  it('refuses both CSMART_PASSWORD and CSMART_PASSWORD_SHA1', () => {
    const error = configError(() => createCredentialsSource({
      settings,
      env: { CSMART_DOMAIN: 'acme', CSMART_EMAIL: 'ops@acme.pl', CSMART_PASSWORD: PASSWORD, CSMART_PASSWORD_SHA1: PASSWORD_SHA1 },
    }));

    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(PASSWORD_SHA1);
  });

  it('rejects a CSMART_PASSWORD_SHA1 that is not 40 hex characters, without echoing it', () => {
    const error = configError(() => createCredentialsSource({
      settings,
      env: { CSMART_DOMAIN: 'acme', CSMART_EMAIL: 'ops@acme.pl', CSMART_PASSWORD_SHA1: PASSWORD },
    }));

    expect(error.message).toContain('CSMART_PASSWORD_SHA1');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('ignores empty variables and goes to SSM', async () => {
    const asked: string[][] = [];
    const source = createCredentialsSource({
      settings,
      env: { CSMART_DOMAIN: '', CSMART_EMAIL: '', CSMART_PASSWORD: '' },
      parameters: {
        get: async (names) => {
          asked.push([...names]);
          return new Map([['/csmart/test/domain', 'acme'], ['/csmart/test/email', 'ops@acme.pl'], ['/csmart/test/password', PASSWORD]]);
        },
      },
    });

    expect((await source()).domain).toBe('acme');
    expect(asked).toHaveLength(1);
  });
});

describe('credentials from SSM', () => {
  let ssm: LocalSsm;
  let client: SSMClient;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    clock = 0;
    ssm = await startLocalSsm({ '/csmart/test/domain': 'acme', '/csmart/test/email': 'ops@acme.pl', '/csmart/test/password': PASSWORD });
    client = localSsmClient(ssm.endpoint);
  });

  afterEach(async () => {
    client.destroy();
    await ssm.close();
  });

  const sourceWith = (ttlMs = 300_000) =>
    createCredentialsSource({ settings, env: {}, parameters: createParameterCache({ ssm: sdkSsm(client), ttlMs, now }) });

  it('reads domain, email and password in exactly one GetParameters call', async () => {
    const credentials = await sourceWith()();

    expect(credentials).toEqual({ endpoint: 'http://127.0.0.1:8787/app/api.php', domain: 'acme', email: 'ops@acme.pl', hash: PASSWORD_SHA1 });
    expect(ssm.calls).toMatchObject({ GetParameters: 1, GetParameter: 0, GetParametersByPath: 0 });
    expect(ssm.requests[0]?.body).toEqual({
      Names: ['/csmart/test/domain', '/csmart/test/email', '/csmart/test/password', '/csmart/test/password-sha1'],
      WithDecryption: true,
    });
  });

  it('uses password-sha1 as the hash when it is stored instead of password', async () => {
    delete ssm.params['/csmart/test/password'];
    ssm.params['/csmart/test/password-sha1'] = PASSWORD_SHA1;

    expect((await sourceWith()()).hash).toBe(PASSWORD_SHA1);
  });

  it('rejects a malformed password-sha1, naming the parameter only', async () => {
    delete ssm.params['/csmart/test/password'];
    ssm.params['/csmart/test/password-sha1'] = 'not-a-hash';

    const error = (await sourceWith()().catch((e: unknown) => e)) as CsmartConfigError;

    expect(error).toBeInstanceOf(CsmartConfigError);
    expect(error.message).toContain('/csmart/test/password-sha1');
    expect(error.message).not.toContain('not-a-hash');
  });

  it('refuses password and password-sha1 stored together, naming both', async () => {
    ssm.params['/csmart/test/password-sha1'] = PASSWORD_SHA1;

    const error = (await sourceWith()().catch((e: unknown) => e)) as CsmartConfigError;

    expect(error).toBeInstanceOf(CsmartConfigError);
    expect(error.message).toContain('/csmart/test/password and /csmart/test/password-sha1');
    expect(error.message).not.toContain(PASSWORD_SHA1);
  });

  it('names the missing parameter', async () => {
    delete ssm.params['/csmart/test/email'];

    const error = (await sourceWith()().catch((e: unknown) => e)) as CsmartConfigError;

    expect(error).toBeInstanceOf(CsmartConfigError);
    expect(error.message).toContain('/csmart/test/email');
    expect(error.message).not.toContain('/csmart/test/domain');
    for (const value of ['acme', PASSWORD, PASSWORD_SHA1]) expect(error.message).not.toContain(value);
  });

  it('names both password parameters when neither is stored', async () => {
    delete ssm.params['/csmart/test/password'];

    const error = (await sourceWith()().catch((e: unknown) => e)) as CsmartConfigError;

    expect(error.message).toContain('/csmart/test/password or /csmart/test/password-sha1');
  });

  it('reuses the cached values within the TTL and picks up a rotated password after it', async () => {
    const source = sourceWith(60_000);
    const first = await source();
    ssm.params['/csmart/test/password'] = 'nowe-hasło';

    clock += 59_999;
    const within = await source();
    clock += 1;
    const after = await source();

    expect(within.hash).toBe(first.hash);
    expect(after.hash).toBe(sha1Hex('nowe-hasło'));
    expect(ssm.calls.GetParameters).toBe(2);
  });

  it('keeps working on the cached credentials while SSM is down', async () => {
    const source = sourceWith(60_000);
    const first = await source();
    ssm.failAll(true);
    clock += 60_000;

    await expect(source()).resolves.toEqual(first);
  });

  it('fails clearly when SSM is down on a cold start, without any secret in the message', async () => {
    ssm.failAll(true);

    const error = (await sourceWith()().catch((e: unknown) => e)) as Error & { code?: string };

    expect(error.code).toBe('config');
    expect(error.message).toContain('/csmart/test/password');
    for (const value of ['acme', 'ops@acme.pl', PASSWORD, PASSWORD_SHA1]) expect(error.message).not.toContain(value);
  });

  it('fails clearly with neither local credentials nor a parameter store', async () => {
    const source = createCredentialsSource({ settings, env: {} });

    await expect(source()).rejects.toThrow(/CSMART_DOMAIN.*\/csmart\/test\/domain/);
  });
});
