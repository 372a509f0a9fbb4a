import type { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParameterStoreUnavailableError } from '../../lib/config/errors.ts';
import { createParameterCache } from '../../lib/config/parameter-cache.ts';
import { localSsmClient, startLocalSsm } from '../../emulators/ssm.ts';
import type { LocalSsm } from '../../emulators/ssm.ts';
import { sdkSsm } from '../../lib/aws/sdk-ssm.ts';

const TTL_MS = 60_000;
const DOMAIN = '/csmart/test/domain';
const EMAIL = '/csmart/test/email';
const PASSWORD = '/csmart/test/password';
const SECRET_VALUES = ['acme.csmart.pl', 'ops@acme.pl', 'Zażółć-gęślą-jaźń-1'];

describe('parameter cache', () => {
  let ssm: LocalSsm;
  let client: SSMClient;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    clock = 1_000_000;
    ssm = await startLocalSsm({ [DOMAIN]: 'acme.csmart.pl', [EMAIL]: 'ops@acme.pl', [PASSWORD]: 'Zażółć-gęślą-jaźń-1' });
    client = localSsmClient(ssm.endpoint);
  });

  afterEach(async () => {
    client.destroy();
    await ssm.close();
  });

  it('forgets made-up names once they expire, instead of growing without bound, and keeps real values', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });
    await cache.get([DOMAIN]);
    for (let i = 0; i < 60; i++) await cache.get(Array.from({ length: 10 }, (_, k) => `/csmart/test/forms/made-up-${i}-${k}`));
    expect(cache.size).toBe(601);
    clock += TTL_MS + 1;
    await cache.get(['/csmart/test/forms/one-more']);
    expect(cache.size).toBe(2);
    ssm.failAll(true);
    expect(Object.fromEntries(await cache.get([DOMAIN]))).toEqual({ [DOMAIN]: 'acme.csmart.pl' });
  });

  it('fetches all names in one decrypted GetParameters call', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });

    const values = await cache.get([DOMAIN, EMAIL, PASSWORD]);

    expect(Object.fromEntries(values)).toEqual({ [DOMAIN]: 'acme.csmart.pl', [EMAIL]: 'ops@acme.pl', [PASSWORD]: 'Zażółć-gęślą-jaźń-1' });
    expect(ssm.calls.GetParameters).toBe(1);
    expect(ssm.requests[0]?.body).toEqual({ Names: [DOMAIN, EMAIL, PASSWORD], WithDecryption: true });
    expect(cache.stats.calls).toBe(1);
  });

  it('serves cached values without calling SSM until the TTL ends', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });
    await cache.get([DOMAIN, EMAIL]);
    ssm.params[DOMAIN] = 'rotated.csmart.pl';

    clock += TTL_MS - 1;
    const beforeExpiry = await cache.get([DOMAIN]);
    clock += 1;
    const afterExpiry = await cache.get([DOMAIN]);

    expect(beforeExpiry.get(DOMAIN)).toBe('acme.csmart.pl');
    expect(afterExpiry.get(DOMAIN)).toBe('rotated.csmart.pl');
    expect(ssm.calls.GetParameters).toBe(2);
  });

  it('fetches only the names that are not fresh', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });
    await cache.get([DOMAIN]);

    await cache.get([DOMAIN, EMAIL]);

    expect(ssm.requests.map((request) => request.body.Names)).toEqual([[DOMAIN], [EMAIL]]);
  });

  it('shares one request between 50 concurrent callers', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });

    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get([DOMAIN, EMAIL, PASSWORD])));

    expect(ssm.calls.GetParameters).toBe(1);
    expect(cache.stats.calls).toBe(1);
    expect(answers.every((values) => values.get(PASSWORD) === 'Zażółć-gęślą-jaźń-1')).toBe(true);
  });

  it('splits more than 10 names into batches of 10, the API limit', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `/csmart/test/secrets/source-${i}`);
    for (const name of names) ssm.params[name] = `secret-${name}`;
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });

    const values = await cache.get(names);

    expect(values.size).toBe(23);
    expect(ssm.requests.map((request) => (request.body.Names as string[]).length)).toEqual([10, 10, 3]);
  });

  it('leaves names SSM does not hold out of the answer, and remembers that for the TTL', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });

    const values = await cache.get([DOMAIN, '/csmart/test/password-sha1']);
    await cache.get(['/csmart/test/password-sha1']);

    expect([...values.keys()]).toEqual([DOMAIN]);
    expect(ssm.calls.GetParameters).toBe(1);
  });

  it('serves the last good values when SSM goes down after a warm start, without an unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const onError = vi.fn();
      const cache = createParameterCache({ ssm: sdkSsm(localSsmClient(ssm.endpoint, { maxAttempts: 3 })), ttlMs: TTL_MS, now, onError });
      await cache.get([DOMAIN, PASSWORD]);
      ssm.failAll(true);
      clock += TTL_MS + 1;

      const concurrent = await Promise.all([cache.get([DOMAIN, PASSWORD]), cache.get([PASSWORD])]);
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(concurrent[0].get(PASSWORD)).toBe('Zażółć-gęślą-jaźń-1');
      expect(concurrent[1].get(PASSWORD)).toBe('Zażółć-gęślą-jaźń-1');
      expect(cache.stats.failures).toBe(1);
      expect(onError).toHaveBeenCalledTimes(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('waits a back-off after a failed refresh before asking SSM again, then recovers', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now, failureBackoffMs: 5_000 });
    await cache.get([DOMAIN]);
    ssm.failAll(true);
    clock += TTL_MS;
    await cache.get([DOMAIN]);

    await cache.get([DOMAIN]);
    expect(ssm.calls.GetParameters).toBe(2);

    ssm.failAll(false);
    ssm.params[DOMAIN] = 'rotated.csmart.pl';
    clock += 5_000;
    const recovered = await cache.get([DOMAIN]);

    expect(ssm.calls.GetParameters).toBe(3);
    expect(recovered.get(DOMAIN)).toBe('rotated.csmart.pl');
  });

  it('rejects with an error naming the parameters when SSM is down on a cold start', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });
    ssm.failAll('throttling');

    const error: unknown = await cache.get([DOMAIN, PASSWORD]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ParameterStoreUnavailableError);
    const failure = error as ParameterStoreUnavailableError;
    expect(failure.code).toBe('config');
    expect(failure.transient).toBe(true);
    expect(failure.parameters).toEqual([DOMAIN, PASSWORD]);
    expect(failure.message).toContain(DOMAIN);
    expect(failure.message).toContain(PASSWORD);
    expect(failure.cause).toMatchObject({ name: 'ThrottlingException' });
  });

  it('does not cache a failure: the next call after a cold-start outage asks SSM again', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });
    ssm.failNext(1);
    await expect(cache.get([DOMAIN])).rejects.toBeInstanceOf(ParameterStoreUnavailableError);

    const values = await cache.get([DOMAIN]);

    expect(values.get(DOMAIN)).toBe('acme.csmart.pl');
    expect(ssm.calls.GetParameters).toBe(2);
  });

  it('rejects every concurrent caller of a failed cold fetch, still with one request', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });
    ssm.failAll(true);

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => cache.get([DOMAIN])));

    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(ssm.calls.GetParameters).toBe(1);
  });

  it('never puts a parameter value into an error message', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: 0, now });
    await cache.get([DOMAIN, EMAIL]);
    ssm.failAll(true);

    const error = (await cache.get([DOMAIN, EMAIL, PASSWORD]).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(ParameterStoreUnavailableError);
    expect((error as ParameterStoreUnavailableError).parameters).toEqual([PASSWORD]);
    for (const secret of SECRET_VALUES) {
      expect(error.message).not.toContain(secret);
      expect(String(error.stack)).not.toContain(secret);
    }
  });

  it('drops the raw response from an SDK error it keeps as the cause', async () => {
    const sdkError = Object.assign(new Error('Deserialization error: inspect the hidden field {error}.$response.'), {
      name: 'SyntaxError', $metadata: { httpStatusCode: 200 }, $response: { body: `{"Parameters":[{"Value":"${SECRET_VALUES[2]}"` },
    });
    const cache = createParameterCache({ ssm: sdkSsm({ send: () => Promise.reject(sdkError) } as unknown as SSMClient), ttlMs: TTL_MS, now });

    const error = (await cache.get([PASSWORD]).catch((e: unknown) => e)) as ParameterStoreUnavailableError;

    expect(error.cause).toMatchObject({ name: 'SyntaxError', $metadata: { httpStatusCode: 200 } });
    expect(error.cause).not.toHaveProperty('$response');
  });

  it('forgets everything on clear()', async () => {
    const cache = createParameterCache({ ssm: sdkSsm(client), ttlMs: TTL_MS, now });
    await cache.get([DOMAIN]);

    cache.clear();
    await cache.get([DOMAIN]);

    expect(ssm.calls.GetParameters).toBe(2);
  });
});
