import { describe, expect, it } from 'vitest';
import { CsmartConfigError } from '../../lib/csmart/errors.ts';
import { readSettings, SETTINGS } from '../../lib/config/settings.ts';
import { thrown } from '../support/thrown.ts';

const configErrorOf = (act: () => unknown) => thrown(CsmartConfigError, act);

describe('readSettings', () => {
  it('gives the documented defaults when nothing is set', () => {
    const settings = readSettings({});

    expect(settings).toEqual({
      apiUrl: 'https://csmart.pl/app/api.php',
      stage: 'dev',
      ssmPrefix: '/csmart/dev/',
      timeZone: 'Europe/Warsaw',
      exportBucket: undefined,
      exportPrefix: 'csmart/',
      eventBus: 'csmart-dev',
      queueUrl: undefined,
      dlqUrl: undefined,
      linkTable: undefined,
      callTimeoutMs: 8000,
      listIdleTimeoutMs: 8000,
      listTimeoutMs: 600000,
      configTtlSeconds: 300,
      authErrorPattern: undefined,
      queueName: undefined,
      dlqName: undefined,
      maxReceiveCount: 10,
      retryBaseSeconds: 60,
      accountCacheSeconds: 30,
      formsFile: undefined,
      secretsFile: undefined,
      exportModules: ['Accounts', 'Events', 'Opportunities', 'Quotes', 'SalesOrders', 'Invoices', 'Products'],
      exportEmitOnFirstRun: false,
      eventMaxBytes: 1048576,
      vatRegisterUrl: 'https://wl-api.mf.gov.pl',
      vatRegisterDailyLimit: 100,
      metaGraphUrl: 'https://graph.facebook.com/v23.0',
      editMode: 'merge',
      fieldNames: {},
    });
  });

  it('derives the SSM prefix and event bus from the stage', () => {
    const settings = readSettings({ CSMART_STAGE: 'prod' });

    expect(settings.ssmPrefix).toBe('/csmart/prod/');
    expect(settings.eventBus).toBe('csmart-prod');
  });

  it('takes every setting from its variable', () => {
    const settings = readSettings({
      CSMART_API_URL: 'http://127.0.0.1:8787/app/api.php',
      CSMART_STAGE: 'test',
      CSMART_SSM_PREFIX: '/acme/crm/',
      CSMART_TIME_ZONE: 'America/New_York',
      CSMART_EXPORT_BUCKET: 'acme-exports',
      CSMART_EXPORT_PREFIX: 'nightly/',
      CSMART_EVENT_BUS: 'arn:aws:events:eu-central-1:123456789012:event-bus/acme',
      CSMART_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/work.fifo',
      CSMART_DLQ_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/work-dlq.fifo',
      CSMART_LINK_TABLE: 'csmart-test-links',
      CSMART_TIMEOUT_MS: '2500',
      CSMART_LIST_IDLE_TIMEOUT_MS: '20000',
      CSMART_LIST_TIMEOUT_MS: '840000',
      CSMART_CONFIG_TTL: '0',
      CSMART_AUTH_ERROR_PATTERN: 'token (wygasł|nieprawidłowy)',
      CSMART_QUEUE_NAME: 'work.fifo',
      CSMART_DLQ_NAME: 'work-dlq.fifo',
      CSMART_MAX_RECEIVE_COUNT: '5',
      CSMART_RETRY_BASE_SECONDS: '2',
      CSMART_ACCOUNT_CACHE_TTL: '10',
      CSMART_FORMS_FILE: 'config/forms.json',
      CSMART_SECRETS_FILE: '/tmp/secrets.json',
      CSMART_EXPORT_MODULES: 'Accounts, Invoices',
      CSMART_EXPORT_EMIT_ON_FIRST_RUN: 'true',
      CSMART_EVENT_MAX_BYTES: '262144',
      CSMART_VAT_REGISTER_URL: 'http://127.0.0.1:8790',
      CSMART_VAT_REGISTER_DAILY_LIMIT: '50',
      CSMART_META_GRAPH_URL: 'http://127.0.0.1:8791/v23.0',
      CSMART_EDIT_MODE: 'replace',
      CSMART_FIELD_NAMES: '{"nip":"NIP_klienta"}',
    });

    expect(settings).toEqual({
      apiUrl: 'http://127.0.0.1:8787/app/api.php',
      stage: 'test',
      ssmPrefix: '/acme/crm/',
      timeZone: 'America/New_York',
      exportBucket: 'acme-exports',
      exportPrefix: 'nightly/',
      eventBus: 'arn:aws:events:eu-central-1:123456789012:event-bus/acme',
      queueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/work.fifo',
      dlqUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/work-dlq.fifo',
      linkTable: 'csmart-test-links',
      callTimeoutMs: 2500,
      listIdleTimeoutMs: 20000,
      listTimeoutMs: 840000,
      configTtlSeconds: 0,
      authErrorPattern: /token (wygasł|nieprawidłowy)/iu,
      queueName: 'work.fifo',
      dlqName: 'work-dlq.fifo',
      maxReceiveCount: 5,
      retryBaseSeconds: 2,
      accountCacheSeconds: 10,
      formsFile: 'config/forms.json',
      secretsFile: '/tmp/secrets.json',
      exportModules: ['Accounts', 'Invoices'],
      exportEmitOnFirstRun: true,
      eventMaxBytes: 262144,
      vatRegisterUrl: 'http://127.0.0.1:8790',
      vatRegisterDailyLimit: 50,
      metaGraphUrl: 'http://127.0.0.1:8791/v23.0',
      editMode: 'replace',
      fieldNames: { nip: 'NIP_klienta' },
    });
  });

  it('matches the auth error pattern case-insensitively, Polish letters included', () => {
    const { authErrorPattern } = readSettings({ CSMART_AUTH_ERROR_PATTERN: 'token wygasł' });

    expect(authErrorPattern?.test('TOKEN WYGASŁ, zaloguj się ponownie')).toBe(true);
  });

  it('adds the trailing slash to the SSM prefix and export prefix', () => {
    const settings = readSettings({ CSMART_SSM_PREFIX: '/acme/crm', CSMART_EXPORT_PREFIX: '/exports' });

    expect(settings.ssmPrefix).toBe('/acme/crm/');
    expect(settings.exportPrefix).toBe('exports/');
  });

  it('treats empty and blank variables as unset', () => {
    const settings = readSettings({ CSMART_TIME_ZONE: '', CSMART_EXPORT_BUCKET: '  ', CSMART_TIMEOUT_MS: '' });

    expect(settings.timeZone).toBe('Europe/Warsaw');
    expect(settings.exportBucket).toBeUndefined();
    expect(settings.callTimeoutMs).toBe(8000);
  });

  it.each([
    ['CSMART_API_URL', 'ftp://csmart.pl/api.php'],
    ['CSMART_API_URL', 'not a url'],
    ['CSMART_STAGE', 'dev stage'],
    ['CSMART_SSM_PREFIX', 'csmart/dev/'],
    ['CSMART_SSM_PREFIX', '/csmart//dev/'],
    ['CSMART_TIME_ZONE', 'Europe/Atlantis'],
    ['CSMART_EXPORT_BUCKET', 'Acme_Exports'],
    ['CSMART_EXPORT_PREFIX', 'a//b/'],
    ['CSMART_EVENT_BUS', 'bus with spaces'],
    ['CSMART_QUEUE_URL', 'work.fifo'],
    ['CSMART_DLQ_URL', 'dlq'],
    ['CSMART_LINK_TABLE', 'x'],
    ['CSMART_TIMEOUT_MS', '8s'],
    ['CSMART_TIMEOUT_MS', '-5'],
    ['CSMART_TIMEOUT_MS', '8000000'],
    ['CSMART_CONFIG_TTL', '-1'],
    ['CSMART_CONFIG_TTL', '1.5'],
    ['CSMART_AUTH_ERROR_PATTERN', 'token (wygasł'],
    ['CSMART_QUEUE_NAME', 'https://sqs/queue'],
    ['CSMART_RETRY_BASE_SECONDS', 'soon'],
    ['CSMART_MAX_RECEIVE_COUNT', 'x9'],
    ['CSMART_FORMS_FILE', 's3://bucket/forms.json'],
    ['CSMART_EXPORT_MODULES', 'Accounts,Clients'],
    ['CSMART_EXPORT_EMIT_ON_FIRST_RUN', 'yes'],
    ['CSMART_EVENT_MAX_BYTES', '2000000'],
    ['CSMART_EDIT_MODE', 'overwrite'],
    ['CSMART_FIELD_NAMES', '{"nip":42}'],
    ['CSMART_FIELD_NAMES', 'nip=NIP_klienta'],
  ])('rejects a bad %s, naming the variable but not the value (%s)', (variable, value) => {
    const error = configErrorOf(() => readSettings({ [variable]: value }));

    expect(error.code).toBe('config');
    expect(error.field).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain(value);
  });

  it('rejects a call timeout of 0 ms', () => {
    const error = configErrorOf(() => readSettings({ CSMART_TIMEOUT_MS: '0' }));

    expect(error.field).toBe('CSMART_TIMEOUT_MS');
  });

  it('documents every setting it returns in SETTINGS, and nothing else', () => {
    const returned = Object.keys(readSettings({})).sort();
    const documented = SETTINGS.map((setting) => setting.name).sort();

    expect(documented).toEqual(returned);
    expect(new Set(SETTINGS.map((setting) => setting.env)).size).toBe(SETTINGS.length);
  });

  it('reads each variable named in SETTINGS', () => {
    // A value no setting accepts: every documented variable must be read (and rejected) by readSettings.
    for (const setting of SETTINGS) {
      const error = configErrorOf(() => readSettings({ [setting.env]: 'ftp://bad value(' }));
      expect(error.field).toBe(setting.env);
    }
  });

  it('states literal defaults in SETTINGS that readSettings really uses', () => {
    const settings = readSettings({}) as Record<string, unknown>;

    for (const setting of SETTINGS) {
      if (setting.default === '' || setting.default.includes('<')) continue;
      expect(String(settings[setting.name]), setting.env).toBe(setting.default);
    }
  });
});
