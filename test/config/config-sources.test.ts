import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConfigSources } from '../../lib/config/config-sources.ts';
import { sha1Hex } from '../../lib/config/credentials.ts';
import { startLocalSsm } from '../../emulators/ssm.ts';
import type { LocalSsm } from '../../emulators/ssm.ts';

describe('a function\'s configuration sources', () => {
  let ssm: LocalSsm;

  beforeAll(async () => {
    ssm = await startLocalSsm({
      '/csmart/qa/domain': 'acme', '/csmart/qa/email': 'ops@acme.pl', '/csmart/qa/password': 'tajne',
      '/csmart/qa/forms/contact': '{"thankYouUrl":"https://example.pl/ok"}', '/csmart/qa/forms/offer': '{}',
      '/csmart/qa/secrets/calendly': 'calendly-key', '/csmart/qa/secrets/nested/deeper': 'not-listed',
    });
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
    ssm.calls.GetParametersByPath = 0;
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

  it('lists a folder once per cache period, by the names below the prefix, without the deeper ones', async () => {
    const config = createConfigSources(process.env);

    const forms = await config.listing('forms');
    const secrets = await config.listing('secrets');
    await config.listing('forms');

    expect([...(forms ?? [])]).toEqual([['forms/contact', '{"thankYouUrl":"https://example.pl/ok"}'], ['forms/offer', '{}']]);
    expect([...(secrets ?? [])]).toEqual([['secrets/calendly', 'calendly-key']]);
    expect(ssm.calls.GetParametersByPath).toBe(2);
  });

  it('reads names below the prefix in one batch, an unknown one as undefined', async () => {
    const config = createConfigSources(process.env);

    const values = await config.read(['forms/contact', 'webhooks/calendly']);

    expect(values).toEqual(new Map([['forms/contact', '{"thankYouUrl":"https://example.pl/ok"}'], ['webhooks/calendly', undefined]]));
    expect(ssm.calls.GetParameters).toBe(1);
  });

  describe('with the local files of npm start', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'config-sources-'));
      writeFileSync(join(dir, 'forms.json'), JSON.stringify({ contact: { thankYouUrl: 'https://example.pl/ok' } }));
      writeFileSync(join(dir, 'secrets.json'), JSON.stringify({
        calendly: 'local-key', turnstile: 'turnstile-key', empty: '', 'meta/pages/123': 'page-token', 'webhooks/calendly': { enrich: 'off' },
      }));
      vi.stubEnv('CSMART_FORMS_FILE', join(dir, 'forms.json'));
      vi.stubEnv('CSMART_SECRETS_FILE', join(dir, 'secrets.json'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads forms, secrets, page tokens and source settings from them, objects as their JSON, and never asks SSM', async () => {
      const config = createConfigSources(process.env);

      const values = await config.read(['forms/contact', 'secrets/turnstile', 'meta/pages/123', 'webhooks/calendly', 'secrets/empty', 'forms/missing']);

      expect(Object.fromEntries(values)).toEqual({
        'forms/contact': '{"thankYouUrl":"https://example.pl/ok"}', 'secrets/turnstile': 'turnstile-key', 'meta/pages/123': 'page-token',
        'webhooks/calendly': '{"enrich":"off"}', 'secrets/empty': undefined, 'forms/missing': undefined,
      });
      expect([...((await config.listing('secrets'))?.keys() ?? [])]).toEqual(['secrets/calendly', 'secrets/turnstile']);
      expect(ssm.calls.GetParameters + ssm.calls.GetParametersByPath).toBe(0);
    });
  });
});
