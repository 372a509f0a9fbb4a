import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConfigSources } from '../../lib/config/config-sources.ts';
import { sha1Hex } from '../../lib/config/credentials.ts';
import { startLocalSsm } from '../../emulators/ssm.ts';
import type { LocalSsm } from '../../emulators/ssm.ts';

describe('a function\'s configuration sources', () => {
  let ssm: LocalSsm;

  beforeAll(async () => {
    ssm = await startLocalSsm({ '/csmart/qa/domain': 'acme', '/csmart/qa/email': 'ops@acme.pl', '/csmart/qa/password': 'tajne' });
  });

  afterAll(() => ssm.close());

  beforeEach(() => {
    for (const name of ['CSMART_DOMAIN', 'CSMART_EMAIL', 'CSMART_PASSWORD', 'CSMART_PASSWORD_SHA1', 'CSMART_SSM_PREFIX', 'CSMART_CONFIG_TTL', 'AWS_ENDPOINT_URL']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('CSMART_STAGE', 'qa');
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', ssm.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    ssm.calls.GetParameters = 0;
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads the settings once, when built: a later change of the environment does not reach it', () => {
    const config = createConfigSources(process.env);
    vi.stubEnv('CSMART_STAGE', 'prod');

    expect(config.settings.ssmPrefix).toBe('/csmart/qa/');
    expect(createConfigSources(process.env).settings.ssmPrefix).toBe('/csmart/prod/');
  });

  it('reads credentials from SSM through its SSM client, once per TTL', async () => {
    const config = createConfigSources(process.env);
    const credentials = config.credentials;

    const first = await credentials();
    await credentials();

    expect(first).toMatchObject({ domain: 'acme', email: 'ops@acme.pl', hash: sha1Hex('tajne') });
    expect(ssm.calls.GetParameters).toBe(1);
    expect(config.parameters.stats.calls).toBe(1);
  });

  it('refetches every time when CSMART_CONFIG_TTL is 0', async () => {
    vi.stubEnv('CSMART_CONFIG_TTL', '0');
    const credentials = createConfigSources(process.env).credentials;

    await credentials();
    await credentials();

    expect(ssm.calls.GetParameters).toBe(2);
  });

  it('uses local credentials without creating an SSM request', async () => {
    vi.stubEnv('CSMART_DOMAIN', 'sandbox');
    vi.stubEnv('CSMART_EMAIL', 'demo@sandbox.local');
    vi.stubEnv('CSMART_PASSWORD', 'demo');

    const credentials = await createConfigSources(process.env).credentials();

    expect(credentials.domain).toBe('sandbox');
    expect(ssm.calls.GetParameters).toBe(0);
  });
});
