import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParameterNames } from '../../lib/config/parameter-names.ts';
import { startLocalSsm, type LocalSsm } from '../../emulators/ssm.ts';
import { sdkSsm } from '../../lib/aws/sdk-ssm.ts';

// The local SSM server (the real SDK over HTTP on 127.0.0.1).
const forms = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`/csmart/qa/forms/form-${i}`, `{"n":${i}}`]));

describe('parameter listing per cache period', () => {
  let client: SSMClient;
  let server: LocalSsm;
  const ssm = () => server;

  beforeAll(async () => {
    server = await startLocalSsm({ ...forms, '/csmart/qa/forms/nested/deeper': 'x', '/csmart/qa/secrets/calendly': 'k', '/csmart/qa/formsx': 'y' });
    client = new SSMClient({ endpoint: server.endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('lists every name directly under the path, page by page, with decrypted values', async () => {
    const names = createParameterNames({ ssm: sdkSsm(client), path: '/csmart/qa/forms', ttlMs: 60_000 });

    const listed = await names.get();

    expect(listed?.size).toBe(23);
    expect(listed?.get('/csmart/qa/forms/form-7')).toBe('{"n":7}');
    expect(listed?.has('/csmart/qa/forms/nested/deeper')).toBe(false);
    expect(names.stats).toEqual({ listings: 1, calls: 3, failures: 0 });
    expect(ssm().requests.filter((r) => r.operation === 'GetParametersByPath').every((r) => r.body.WithDecryption === true)).toBe(true);
  });

  it('lists once per TTL however many callers ask, concurrently or not', async () => {
    let now = 0;
    const names = createParameterNames({ ssm: sdkSsm(client), path: '/csmart/qa/secrets', ttlMs: 1000, now: () => now });

    await Promise.all(Array.from({ length: 20 }, () => names.get()));
    for (let i = 0; i < 50; i++) await names.get();
    now = 1000;
    await names.get();

    expect(names.stats.listings).toBe(2);
  });

  it('keeps the last listing through an SSM failure, and has none to give before the first success', async () => {
    let now = 0;
    const names = createParameterNames({ ssm: sdkSsm(client), path: '/csmart/qa/secrets', ttlMs: 1000, failureBackoffMs: 500, now: () => now });
    ssm().failNext(1, 'throttling');
    expect(await names.get()).toBeUndefined();
    now = 500;
    expect((await names.get())?.has('/csmart/qa/secrets/calendly')).toBe(true);

    now = 1500;
    ssm().failNext(1);
    expect((await names.get())?.has('/csmart/qa/secrets/calendly')).toBe(true);
    expect(names.stats).toMatchObject({ listings: 3, failures: 2 });
  });
});
