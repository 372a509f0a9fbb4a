import { CsmartConfigError } from '../csmart/errors.ts';
import { isEditMode, type EditMode } from '../csmart/edit-mode.ts';
import { parseFieldNames, type FieldNames } from '../csmart/field-names.ts';
import { parseErrorTexts, type ExtraErrorTexts } from '../csmart/known-errors.ts';
import { isModuleName, MODULE_NAMES, type ModuleName } from '../csmart/modules.ts';
import { isTimeZone } from '../time/wall-clock.ts';

/**
 * Every setting read from the environment, for the README's configuration table (and a test that
 * keeps the two in step). `default` is written as the README shows it; derived defaults name their source.
 */
export const SETTINGS = [
  { name: 'apiUrl', env: 'CSMART_API_URL', default: 'https://csmart.pl/app/api.php', description: 'CSMART API endpoint (http or https URL of api.php)' },
  { name: 'stage', env: 'CSMART_STAGE', default: 'dev', description: 'Deployment stage; part of the default SSM prefix and event bus name' },
  { name: 'ssmPrefix', env: 'CSMART_SSM_PREFIX', default: '/csmart/<stage>/', description: 'SSM Parameter Store path holding credentials and webhook secrets (always ends in /)' },
  { name: 'timeZone', env: 'CSMART_TIME_ZONE', default: 'Europe/Warsaw', description: 'IANA time zone of the CRM: task times and export dates are wall-clock values there' },
  { name: 'exportBucket', env: 'CSMART_EXPORT_BUCKET', default: '', description: 'S3 bucket for export snapshots (serverless.yml passes the stack\'s bucket)' },
  { name: 'exportPrefix', env: 'CSMART_EXPORT_PREFIX', default: 'csmart/', description: 'Key prefix of export snapshots in the bucket (always ends in /)' },
  { name: 'eventBus', env: 'CSMART_EVENT_BUS', default: 'csmart-<stage>', description: 'EventBridge bus (name or ARN) for export change events' },
  { name: 'queueUrl', env: 'CSMART_QUEUE_URL', default: '', description: 'URL of the SQS FIFO queue of inbound work' },
  { name: 'dlqUrl', env: 'CSMART_DLQ_URL', default: '', description: 'URL of the dead-letter queue of inbound work' },
  { name: 'linkTable', env: 'CSMART_LINK_TABLE', default: '', description: 'DynamoDB table linking inbound ids to CSMART record ids' },
  { name: 'callTimeoutMs', env: 'CSMART_TIMEOUT_MS', default: '8000', description: 'Timeout of one CSMART call, in milliseconds' },
  { name: 'listIdleTimeoutMs', env: 'CSMART_LIST_IDLE_TIMEOUT_MS', default: '<CSMART_TIMEOUT_MS>', description: 'A List answer (read as it streams in) fails when no byte arrives for this long, in milliseconds' },
  { name: 'listTimeoutMs', env: 'CSMART_LIST_TIMEOUT_MS', default: '600000', description: 'A List answer fails when the whole of it takes longer than this, in milliseconds; keep it under the function\'s timeout' },
  { name: 'configTtlSeconds', env: 'CSMART_CONFIG_TTL', default: '300', description: 'How long SSM values are cached before a refresh, in seconds (0 = every time)' },
  { name: 'queueName', env: 'CSMART_QUEUE_NAME', default: '', description: 'Name of the delivery queue; on Lambda its URL is built from the region and account (serverless.yml passes it)' },
  { name: 'dlqName', env: 'CSMART_DLQ_NAME', default: '', description: 'Name of the delivery dead-letter queue (serverless.yml passes it)' },
  { name: 'maxReceiveCount', env: 'CSMART_MAX_RECEIVE_COUNT', default: '10', description: 'Delivery attempts before SQS moves a message to the DLQ; keep equal to the queue\'s redrive policy' },
  { name: 'retryBaseSeconds', env: 'CSMART_RETRY_BASE_SECONDS', default: '60', description: 'The worker\'s first retry delay in seconds, doubling per attempt up to 2 hours (with jitter); lower it only for local runs' },
  { name: 'accountCacheSeconds', env: 'CSMART_ACCOUNT_CACHE_TTL', default: '30', description: 'How long the worker reuses the Accounts list for finding clients by NIP or e-mail, in seconds' },
  { name: 'formsFile', env: 'CSMART_FORMS_FILE', default: '', description: 'Local only: a JSON file of form settings `{ "<form>": {…} }` read instead of SSM `<prefix>forms/<form>`' },
  { name: 'secretsFile', env: 'CSMART_SECRETS_FILE', default: '', description: 'Local only: a JSON file `{ "<source>": "<secret>" }` read instead of SSM `<prefix>secrets/<source>`' },
  { name: 'exportModules', env: 'CSMART_EXPORT_MODULES', default: '<all seven>', description: 'Comma-separated CSMART modules the export lists (Accounts,Events,…); `all` for the seven' },
  { name: 'exportEmitOnFirstRun', env: 'CSMART_EXPORT_EMIT_ON_FIRST_RUN', default: 'false', description: 'Whether a module\'s first snapshot announces every record as Created (`true`) or sets the baseline silently' },
  { name: 'eventMaxBytes', env: 'CSMART_EVENT_MAX_BYTES', default: '1048576', description: 'Largest change event sent to EventBridge (1 MB today, 262144 before 2026); larger records are referenced by their S3 location' },
  { name: 'vatRegisterUrl', env: 'CSMART_VAT_REGISTER_URL', default: 'https://wl-api.mf.gov.pl', description: 'Base URL of the Ministry of Finance VAT payers\' register (white list) API used to fill clients in by NIP' },
  { name: 'vatRegisterDailyLimit', env: 'CSMART_VAT_REGISTER_DAILY_LIMIT', default: '100', description: 'Register requests a day (Polish date); past it leads are delivered without enrichment until the next day' },
  { name: 'metaGraphUrl', env: 'CSMART_META_GRAPH_URL', default: 'https://graph.facebook.com/v23.0', description: 'Base URL (with version) of Meta\'s Graph API, from which the worker reads Lead Ads leads' },
  { name: 'authErrorPattern', env: 'CSMART_AUTH_ERROR_PATTERN', default: '', description: 'Regular expression (source, case-insensitive) recognising CSMART\'s expired-token error text' },
  { name: 'errorTexts', env: 'CSMART_ERROR_TEXTS', default: '', description: 'JSON `{"validation":[…],"auth":[…],"transient":[…]}`: CSMART error texts added to the built-in table; unknown texts are retried; `csmart doctor` prints the texts it saw' },
  { name: 'editMode', env: 'CSMART_EDIT_MODE', default: 'merge', description: 'How CSMART treats an edit that sends only some fields: `merge` (leaves the others alone) or `replace` (every edit then reads the record and sends it whole); `csmart doctor --write` tells' },
  { name: 'fieldNames', env: 'CSMART_FIELD_NAMES', default: '', description: 'JSON object of our List field names to the ones your CSMART uses (`{"nip":"NIP_klienta"}`); `csmart doctor` tells' },
] as const;

export type SettingName = (typeof SETTINGS)[number]['name'];
export type SettingEnv = (typeof SETTINGS)[number]['env'];

/** The validated settings of one process. Optional resources are `undefined` when not configured. */
export type Settings = {
  readonly apiUrl: string;
  readonly stage: string;
  readonly ssmPrefix: string;
  readonly timeZone: string;
  readonly exportBucket: string | undefined;
  readonly exportPrefix: string;
  readonly eventBus: string;
  readonly queueUrl: string | undefined;
  readonly dlqUrl: string | undefined;
  readonly linkTable: string | undefined;
  readonly callTimeoutMs: number;
  readonly listIdleTimeoutMs: number;
  readonly listTimeoutMs: number;
  readonly configTtlSeconds: number;
  readonly authErrorPattern: RegExp | undefined;
  readonly errorTexts: ExtraErrorTexts | undefined;
  readonly queueName: string | undefined;
  readonly dlqName: string | undefined;
  readonly maxReceiveCount: number;
  readonly retryBaseSeconds: number;
  readonly accountCacheSeconds: number;
  readonly formsFile: string | undefined;
  readonly secretsFile: string | undefined;
  readonly exportModules: readonly ModuleName[];
  readonly exportEmitOnFirstRun: boolean;
  readonly eventMaxBytes: number;
  readonly vatRegisterUrl: string;
  readonly vatRegisterDailyLimit: number;
  readonly metaGraphUrl: string;
  readonly editMode: EditMode;
  readonly fieldNames: FieldNames;
};

export type Environment = Readonly<Record<string, string | undefined>>;

// Lambda allows 15 minutes; anything longer is a typo (seconds for milliseconds, an extra zero).
const MAX_TIMEOUT_MS = 900_000;
const MAX_TTL_SECONDS = 86_400;

/**
 * Reads and validates every setting once (call it at cold start). A bad value throws a
 * `CsmartConfigError` that names the variable and what was expected, never the value itself.
 */
export function readSettings(env: Environment): Settings {
  // Serverless passes `${env:X, ''}` for unset variables, so an empty or blank value means "not set".
  const raw = (name: SettingEnv): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const stage = raw('CSMART_STAGE') ?? 'dev';
  check(/^[A-Za-z0-9_-]{1,64}$/.test(stage), 'CSMART_STAGE', 'letters, digits, "-" or "_" (at most 64)');

  const apiUrl = raw('CSMART_API_URL') ?? 'https://csmart.pl/app/api.php';
  check(isHttpUrl(apiUrl), 'CSMART_API_URL', 'an http(s) URL');

  const ssmPrefix = withTrailingSlash(raw('CSMART_SSM_PREFIX') ?? `/csmart/${stage}/`);
  check(/^\/[A-Za-z0-9_.\-/]*$/.test(ssmPrefix) && !ssmPrefix.includes('//'), 'CSMART_SSM_PREFIX',
    'an SSM path starting with "/" (letters, digits, "_", ".", "-", "/")');

  const timeZone = raw('CSMART_TIME_ZONE') ?? 'Europe/Warsaw';
  check(isTimeZone(timeZone), 'CSMART_TIME_ZONE', 'an IANA time zone such as Europe/Warsaw');

  const exportBucket = raw('CSMART_EXPORT_BUCKET');
  check(exportBucket === undefined || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(exportBucket), 'CSMART_EXPORT_BUCKET',
    'an S3 bucket name (3-63 lower-case letters, digits, "." or "-")');

  const exportPrefix = withTrailingSlash((raw('CSMART_EXPORT_PREFIX') ?? 'csmart/').replace(/^\/+/, ''));
  check(exportPrefix !== '/' && !exportPrefix.includes('//'), 'CSMART_EXPORT_PREFIX', 'an S3 key prefix such as csmart/');

  const eventBus = raw('CSMART_EVENT_BUS') ?? `csmart-${stage}`;
  check(/^[A-Za-z0-9._\-/:]{1,1600}$/.test(eventBus), 'CSMART_EVENT_BUS', 'an EventBridge bus name or ARN');

  const queueUrl = raw('CSMART_QUEUE_URL');
  check(queueUrl === undefined || isHttpUrl(queueUrl), 'CSMART_QUEUE_URL', 'an SQS queue URL');

  const dlqUrl = raw('CSMART_DLQ_URL');
  check(dlqUrl === undefined || isHttpUrl(dlqUrl), 'CSMART_DLQ_URL', 'an SQS queue URL');

  const linkTable = raw('CSMART_LINK_TABLE');
  check(linkTable === undefined || /^[A-Za-z0-9_.-]{3,255}$/.test(linkTable), 'CSMART_LINK_TABLE',
    'a DynamoDB table name (3-255 letters, digits, "_", "." or "-")');

  const callTimeoutMs = integer(raw('CSMART_TIMEOUT_MS'), 8000, 'CSMART_TIMEOUT_MS', 1, MAX_TIMEOUT_MS);
  const listIdleTimeoutMs = integer(raw('CSMART_LIST_IDLE_TIMEOUT_MS'), callTimeoutMs, 'CSMART_LIST_IDLE_TIMEOUT_MS', 1, MAX_TIMEOUT_MS);
  const listTimeoutMs = integer(raw('CSMART_LIST_TIMEOUT_MS'), 600_000, 'CSMART_LIST_TIMEOUT_MS', 1, MAX_TIMEOUT_MS);
  const configTtlSeconds = integer(raw('CSMART_CONFIG_TTL'), 300, 'CSMART_CONFIG_TTL', 0, MAX_TTL_SECONDS);

  const patternSource = raw('CSMART_AUTH_ERROR_PATTERN');
  let authErrorPattern: RegExp | undefined;
  if (patternSource !== undefined) {
    try {
      // Case-insensitive and Unicode-aware: CSMART's messages are Polish text with diacritics.
      authErrorPattern = new RegExp(patternSource, 'iu');
    } catch (cause) {
      throw new CsmartConfigError('CSMART_AUTH_ERROR_PATTERN must be a valid regular expression', { field: 'CSMART_AUTH_ERROR_PATTERN', cause });
    }
  }

  const errorTextsJson = raw('CSMART_ERROR_TEXTS');
  const errorTexts = errorTextsJson === undefined ? undefined : parseErrorTexts(errorTextsJson);

  const queueName = raw('CSMART_QUEUE_NAME');
  check(queueName === undefined || /^[A-Za-z0-9_-]{1,75}(\.fifo)?$/.test(queueName), 'CSMART_QUEUE_NAME', 'an SQS queue name');
  const dlqName = raw('CSMART_DLQ_NAME');
  check(dlqName === undefined || /^[A-Za-z0-9_-]{1,75}(\.fifo)?$/.test(dlqName), 'CSMART_DLQ_NAME', 'an SQS queue name');

  const maxReceiveCount = integer(raw('CSMART_MAX_RECEIVE_COUNT'), 10, 'CSMART_MAX_RECEIVE_COUNT', 1, 1000);
  const retryBaseSeconds = integer(raw('CSMART_RETRY_BASE_SECONDS'), 60, 'CSMART_RETRY_BASE_SECONDS', 1, 3600);
  const accountCacheSeconds = integer(raw('CSMART_ACCOUNT_CACHE_TTL'), 30, 'CSMART_ACCOUNT_CACHE_TTL', 0, MAX_TTL_SECONDS);

  const modulesRaw = raw('CSMART_EXPORT_MODULES') ?? 'all';
  const exportModules = modulesRaw === 'all' ? MODULE_NAMES : modulesRaw.split(',').map((m) => m.trim()).filter(Boolean);
  check(exportModules.length > 0 && exportModules.every(isModuleName), 'CSMART_EXPORT_MODULES', `"all" or a comma-separated list of ${MODULE_NAMES.join(', ')}`);
  const emitRaw = raw('CSMART_EXPORT_EMIT_ON_FIRST_RUN') ?? 'false';
  check(emitRaw === 'true' || emitRaw === 'false', 'CSMART_EXPORT_EMIT_ON_FIRST_RUN', '"true" or "false"');
  const eventMaxBytes = integer(raw('CSMART_EVENT_MAX_BYTES'), 1_048_576, 'CSMART_EVENT_MAX_BYTES', 1024, 1_048_576);

  const vatRegisterUrl = raw('CSMART_VAT_REGISTER_URL') ?? 'https://wl-api.mf.gov.pl';
  check(isHttpUrl(vatRegisterUrl), 'CSMART_VAT_REGISTER_URL', 'an http(s) URL');
  const vatRegisterDailyLimit = integer(raw('CSMART_VAT_REGISTER_DAILY_LIMIT'), 100, 'CSMART_VAT_REGISTER_DAILY_LIMIT', 0, 1_000_000);
  const metaGraphUrl = raw('CSMART_META_GRAPH_URL') ?? 'https://graph.facebook.com/v23.0';
  check(isHttpUrl(metaGraphUrl), 'CSMART_META_GRAPH_URL', 'an http(s) URL');
  const editMode = raw('CSMART_EDIT_MODE') ?? 'merge';
  check(isEditMode(editMode), 'CSMART_EDIT_MODE', '"merge" or "replace"');
  const fieldNames = parseFieldNames(raw('CSMART_FIELD_NAMES') ?? '{}');
  if (typeof fieldNames === 'string') throw new CsmartConfigError(`CSMART_FIELD_NAMES must be ${fieldNames}`, { field: 'CSMART_FIELD_NAMES' });

  return {
    vatRegisterUrl, vatRegisterDailyLimit, metaGraphUrl, editMode: editMode as EditMode, fieldNames,
    exportModules: exportModules as ModuleName[], exportEmitOnFirstRun: emitRaw === 'true', eventMaxBytes,
    apiUrl, stage, ssmPrefix, timeZone, exportBucket, exportPrefix, eventBus,
    queueUrl, dlqUrl, linkTable, callTimeoutMs, listIdleTimeoutMs, listTimeoutMs, configTtlSeconds, authErrorPattern, errorTexts,
    queueName, dlqName, maxReceiveCount, retryBaseSeconds, accountCacheSeconds,
    formsFile: localFile(raw('CSMART_FORMS_FILE'), 'CSMART_FORMS_FILE'),
    secretsFile: localFile(raw('CSMART_SECRETS_FILE'), 'CSMART_SECRETS_FILE'),
  };
}

function check(ok: boolean, variable: SettingEnv, expected: string): void {
  if (!ok) throw new CsmartConfigError(`${variable} must be ${expected}`, { field: variable });
}

function integer(value: string | undefined, fallback: number, variable: SettingEnv, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  check(Number.isSafeInteger(parsed) && parsed >= min && parsed <= max, variable, `a whole number from ${min} to ${max}`);
  return parsed;
}

function localFile(value: string | undefined, variable: SettingEnv): string | undefined {
  check(value === undefined || (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/[\0\n\r]/.test(value)), variable, 'a local file path');
  return value;
}

function isHttpUrl(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
}

function withTrailingSlash(value: string): string {
  return value.endsWith('/') ? value : `${value}/`;
}
