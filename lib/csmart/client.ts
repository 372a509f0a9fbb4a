import { createAuthErrorMatcher } from './auth-pattern.ts';
import {
  CsmartAuthError, CsmartError, CsmartNetworkError, CsmartProtocolError, CsmartTimeoutError, CsmartUpstreamError, CsmartValidationError,
} from './errors.ts';
import { missingRequired, replacementFields, withRequiredFrom, type EditMode } from './edit-mode.ts';
import { listRecordRenamer, type FieldNames } from './field-names.ts';
import { encodeForm } from './form-encoding.ts';
import { createHttpTransport, redirectError, type CsmartTransport } from './http-transport.ts';
import { DEFAULT_LIST_TIMEOUT_MS, openListRequest, readListRecords, type ListRequest, type OpenList } from './list-request.ts';
import type { ListedRecord } from './list-stream.ts';
import type { Action, CsmartRecord, ModuleName, SaveFields, SaveModule } from './modules.ts';
import { MODULES } from './modules.ts';
import { createErrorRecogniser, type ExtraErrorTexts } from './known-errors.ts';
import { normaliseId } from './normalise.ts';
import { parseReply } from './parse-reply.ts';
import { redact } from './redact.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryable, type RetryPolicy } from './retry-policy.ts';
import { createTokenCache, tokenKey, type TokenCache } from './token-cache.ts';

/** Who logs in where. `hash` is the SHA-1 hex of the password; it is sent, never logged. */
export type Credentials = { endpoint: string; domain: string; email: string; hash: string };

/** What the client tells its host about each request, for logs and metrics. Never carries secrets. */
export type CallEvent =
  | { type: 'request'; module: string; action: Action; attempt: number }
  | { type: 'retry'; module: string; action: Action; attempt: number; delayMs: number; code: string }
  /** `refusal`: the refusal, in words the client does not know, that a cached token met (secrets removed); absent when the token was refused in known words. */
  | { type: 'relogin'; module: string; action: Action; refusal?: string }
  | { type: 'login'; domain: string };

export type CsmartClientOptions = {
  credentials: () => Promise<Credentials>;
  /** Per-request timeout; keep it well under the Lambda function's timeout. */
  timeoutMs?: number;
  /** A streamed List fails when no byte arrives for this long (default: `timeoutMs`). */
  listIdleTimeoutMs?: number;
  /** A streamed List fails when its whole answer takes longer than this (default 10 minutes). */
  listTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Regular expression (source) for error texts that mean "log in again". */
  authErrorPattern?: string;
  /** Error texts beyond the built-in table (CSMART_ERROR_TEXTS), by what they mean. */
  errorTexts?: ExtraErrorTexts;
  /** `replace`: CSMART replaces a record on edit, so every edit sends the current record whole with the changes. */
  editMode?: EditMode;
  /** Our field names → CSMART's, where its List records name fields differently. */
  fieldNames?: FieldNames;
  /** Tokens shared with other clients of the same process (the CLI's commands); by default the client's own. */
  tokens?: TokenCache;
  /** How requests are sent (default: node:http(s) with keep-alive, `createHttpTransport`). */
  transport?: CsmartTransport;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onEvent?: (event: CallEvent) => void;
};

export type CsmartClient = {
  /** Logs in (or reuses its token) and returns the domain CSMART confirmed. */
  login(): Promise<{ domain: string }>;
  list(module: ModuleName): Promise<CsmartRecord[]>;
  /**
   * The module's records as they arrive, in batches, each with its own JSON bytes. Failures before
   * the first batch are retried like any List; a failure after it ends the iteration with the error.
   */
  listStream(module: ModuleName): AsyncIterable<ListedRecord[]>;
  /** Creates a record, or edits the one with `id`. Returns the saved record's id. */
  save<M extends SaveModule>(module: M, fields: SaveFields<M>, options?: { id?: string }): Promise<string>;
  /** The one generic call every method goes through: module × action × fields from the table. */
  call(module: ModuleName | 'Login', action: Action, fields: Record<string, string | undefined>): Promise<unknown>;
};

export { DEFAULT_LIST_TIMEOUT_MS } from './list-request.ts';

/** One request of the client, sent inside the retries and the re-login. */
type Request<T> = (credentials: Credentials, module: string, action: Action, params: Record<string, string | undefined>, secrets: string[]) => Promise<T>;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCsmartClient(options: CsmartClientOptions): CsmartClient {
  const timeoutMs = options.timeoutMs ?? 8_000;
  const listIdleTimeoutMs = options.listIdleTimeoutMs ?? timeoutMs;
  const listTimeoutMs = options.listTimeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const recognise = createErrorRecogniser({ extra: options.errorTexts, isAuthMessage: createAuthErrorMatcher(options.authErrorPattern) });
  // Refusals whose text nothing recognises, with that text (secrets removed): they may be an expired token.
  const unrecognised = new WeakMap<CsmartError, string>();
  const transport = options.transport ?? createHttpTransport();
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const emit = options.onEvent ?? (() => {});
  // Without a listener no event object is built (the hot path's calls check this first).
  const listening = options.onEvent !== undefined;
  const tokens = options.tokens ?? createTokenCache();
  const editMode = options.editMode ?? 'merge';
  // CSMART's List field names turned into ours on every parsed record (the raw bytes stay CSMART's).
  const renameRecord = listRecordRenamer(options.fieldNames ?? {});

  // Built once per endpoint, module and action: the hot path only looks them up (no key string built per call).
  const urls = new Map<string, Map<string, Map<Action, string>>>();
  const urlFor = (endpoint: string, module: string, action: Action) => {
    let byModule = urls.get(endpoint);
    if (byModule === undefined) urls.set(endpoint, (byModule = new Map()));
    let byAction = byModule.get(module);
    if (byAction === undefined) byModule.set(module, (byAction = new Map()));
    let url = byAction.get(action);
    if (url === undefined) {
      const built = new URL(endpoint);
      built.searchParams.set('module', module);
      if (module !== 'Login') built.searchParams.set('action', action);
      url = built.href;
      byAction.set(action, url);
    }
    return url;
  };

  /** One HTTP round trip: form-encoded POST, module/action in the query, reply read as the vendor's envelope. */
  async function send(credentials: Credentials, module: string, action: Action, fields: Record<string, string | undefined>, secrets: string[]): Promise<unknown> {
    const url = urlFor(credentials.endpoint, module, action);
    const where = { module, action };
    let status: number;
    let body: string;
    // A controller and a timer rather than AbortSignal.timeout(): that one builds a transferable signal and
    // registers it for finalisation, ~10 µs of CPU per call against ~4 (bench/client); the timer is cleared
    // once the body is read. The abort reason is the same TimeoutError either way.
    const timeout = new AbortController();
    const timer = setTimeout(abortForTimeout, timeoutMs, timeout);
    try {
      const answer = await transport({ url, body: encodeForm(fields), signal: timeout.signal });
      const moved = redirectError(answer, where);
      if (moved) throw moved;
      status = answer.status;
      body = (await answer.bytes()).toString('utf8');
      clearTimeout(timer);
    } catch (error) {
      clearTimeout(timer);
      throw networkError(error, where, timeoutMs);
    }
    const envelope = parseReply(body, { ...where, status, secrets });
    if (envelope.error === '') return envelope.data;
    throw refusal(envelope.error, where, status, secrets);
  }

  /** The error for a refusal CSMART wrote into its envelope. */
  function refusal(text: string, where: { module: string; action: Action }, status: number, secrets: string[]): CsmartError {
    const message = `CSMART ${where.module}/${where.action} refused: ${redact(text, secrets)}`;
    // An error with HTTP 5xx or 429 ("Przerwa techniczna") is the service's state, not the data's fault: try later.
    if (status >= 500 || status === 429) return new CsmartUpstreamError(message, { ...where, status });
    // Only texts known to be about the data are permanent; an unknown one is retried with backoff (after one new
    // login when a kept token met it: see authorised).
    const kind = recognise(text);
    if (kind === 'auth') return new CsmartAuthError(message, where);
    if (kind === 'validation') return new CsmartValidationError(message, where);
    const error = new CsmartUpstreamError(message, { ...where, status });
    if (kind === undefined) unrecognised.set(error, redact(text, secrets));
    return error;
  }

  /** What a List request needs (see list-request.ts). */
  function listRequest(credentials: Credentials, module: ModuleName, fields: Record<string, string | undefined>, secrets: string[]): ListRequest {
    return {
      transport, url: urlFor(credentials.endpoint, module, 'List'), body: encodeForm(fields), module, secrets,
      idleTimeoutMs: listIdleTimeoutMs, totalTimeoutMs: listTimeoutMs, rename: renameRecord,
      refusal: (text, status) => refusal(text, { module, action: 'List' }, status, secrets),
      networkError: (error) => networkError(error, { module, action: 'List' }, listIdleTimeoutMs),
    };
  }

  /** Sends a List and reads it up to its first batch, inside the retries. */
  function openList(credentials: Credentials, module: ModuleName, fields: Record<string, string | undefined>, secrets: string[]): Promise<OpenList> {
    return openListRequest(listRequest(credentials, module, fields, secrets));
  }

  /** A List read whole inside the retries: nothing was handed out yet, so a cut answer can be asked for again. */
  function readWholeList(credentials: Credentials, module: string, _action: Action, params: Record<string, string | undefined>, secrets: string[]): Promise<CsmartRecord[]> {
    return readListRecords(listRequest(credentials, module as ModuleName, params, secrets));
  }

  /** A List opened up to its first batch, for the stream. */
  const openListed = (credentials: Credentials, module: string, _action: Action, params: Record<string, string | undefined>, secrets: string[]) =>
    openList(credentials, module as ModuleName, params, secrets);

  /**
   * Repeats a request while the policy says the failure is transient and safe to repeat. The request is a
   * function of the client's (no closure per call), called with what it needs. With `reloginFirst`, a
   * refusal in unknown words is not repeated with the same token: the caller logs in again first.
   */
  async function withRetries<T>(
    request: Request<T>, credentials: Credentials, module: string, action: Action, params: Record<string, string | undefined>, secrets: string[],
    reloginFirst = false,
  ): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        if (listening) emit({ type: 'request', module, action, attempt: n });
        return await request(credentials, module, action, params, secrets);
      } catch (error) {
        if (n >= policy.attempts || !isRetryable(error, action)) throw error;
        if (reloginFirst && unrecognised.has(error as CsmartError)) throw error;
        const delayMs = backoffDelay(policy, n - 1, random);
        emit({ type: 'retry', module, action, attempt: n, delayMs, code: (error as CsmartError).code });
        await sleep(delayMs);
      }
    }
  }

  async function login(credentials: Credentials): Promise<string> {
    emit({ type: 'login', domain: credentials.domain });
    const fields = { domain: credentials.domain, email: credentials.email, hash: credentials.hash };
    let data: unknown;
    try {
      data = await withRetries(send, credentials, 'Login', 'Login', fields, [credentials.hash]);
    } catch (error) {
      // Whatever CSMART says about a refused login, it is about the credentials: say so without them.
      if (error instanceof CsmartValidationError || error instanceof CsmartAuthError) {
        throw new CsmartAuthError(`CSMART refused the login to domain "${credentials.domain}": ${error.message.replace(/^CSMART Login\/Login refused: /, '')}`, { module: 'Login', action: 'Login' });
      }
      throw error;
    }
    const token = (data as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') {
      throw new CsmartProtocolError('CSMART Login answered without a token', { module: 'Login', action: 'Login' });
    }
    return token;
  }

  // The token cache's key for the last credentials seen: rebuilt only when endpoint, domain or e-mail change.
  let keyFor = { endpoint: '', domain: '', email: '', key: '' };
  const keyOf = (credentials: Credentials) => {
    const { endpoint, domain, email } = credentials;
    if (endpoint !== keyFor.endpoint || domain !== keyFor.domain || email !== keyFor.email) {
      keyFor = { endpoint, domain, email, key: tokenKey(endpoint, domain, email) };
    }
    return keyFor.key;
  };

  async function session(): Promise<{ credentials: Credentials; key: string; token: string; fresh: boolean }> {
    const credentials = await options.credentials();
    const key = keyOf(credentials);
    const { token, fresh } = await tokens.cached(key, () => login(credentials));
    return { credentials, key, token, fresh };
  }

  async function call(module: ModuleName | 'Login', action: Action, fields: Record<string, string | undefined>): Promise<unknown> {
    if (module === 'Login') {
      const { credentials } = await session();
      return { domain: credentials.domain };
    }
    return authorised(module, action, send, fields);
  }

  /**
   * Runs one request with this process's token, retried by the policy; logs in again once when CSMART refuses
   * the token. The vendor documents neither the token's lifetime nor its error texts, so a refusal in words
   * nothing recognises, met by a token from the cache, also gets one new login and one repeat: an unknown
   * expiry text must not keep a dead token for the environment's whole life. Refused again, it is read as before.
   * A refusal was not applied, so repeating even a Save is safe; a timeout or a cut connection never gets here.
   */
  async function authorised<T>(module: ModuleName, action: Action, request: Request<T>, fields: Record<string, string | undefined>): Promise<T> {
    for (let again = false; ; again = true) {
      const { credentials, key, token, fresh } = await session();
      const secrets = [token, credentials.hash];
      const params = { domain: credentials.domain, token, ...fields };
      // A token just logged in cannot have expired: its refusals are read as they are, without another login.
      const mayRelogin = !again && !fresh;
      try {
        return await withRetries(request, credentials, module, action, params, secrets, mayRelogin);
      } catch (error) {
        if (error instanceof CsmartAuthError) {
          await tokens.forget(key, token);
          if (again || error.action === 'Login') throw error;
          // The token expired or was revoked: log in again once and repeat the call once.
          emit({ type: 'relogin', module, action });
          continue;
        }
        const refusal = mayRelogin ? unrecognised.get(error as CsmartError) : undefined;
        if (refusal === undefined) throw error;
        await tokens.forget(key, token);
        emit({ type: 'relogin', module, action, refusal });
      }
    }
  }

  async function* listStream(module: ModuleName): AsyncGenerator<ListedRecord[]> {
    const open = await authorised(module, 'List', openListed, {});
    try {
      for (let batch = open.first; batch !== undefined; batch = await open.next()) yield batch;
    } finally {
      await open.close();
    }
  }

  function list(module: ModuleName): Promise<CsmartRecord[]> {
    return authorised(module, 'List', readWholeList, {});
  }

  return {
    async login() {
      const { credentials } = await session();
      return { domain: credentials.domain };
    },
    list,
    listStream,
    async save(module, fields, saveOptions = {}) {
      let checked = checkSaveFields(module, fields as Record<string, unknown>, saveOptions.id === undefined);
      if (saveOptions.id !== undefined) {
        const id = saveOptions.id;
        const current = async () => (await list(module)).find((record) => record.id === id);
        if (editMode === 'replace') checked = replacementFields(module, await current(), checked);
        // Callers that know the required fields send them; only an edit without them costs a List.
        else if (missingRequired(module, checked).length > 0) checked = withRequiredFrom(module, await current(), checked);
        checked.id = saveOptions.id;
      }
      const data = await call(module, 'Save', checked);
      return normaliseId(data, module);
    },
    call,
  };
}

/** Refuses unknown fields and non-text values before anything is sent; a create must carry the required fields (an edit gets them in save). */
function checkSaveFields(module: SaveModule, fields: Record<string, unknown>, creating: boolean): Record<string, string | undefined> {
  const known: readonly string[] = MODULES[module].fields;
  const out: Record<string, string | undefined> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (!known.includes(field)) {
      throw new CsmartValidationError(`${module}/Save has no field "${field}"`, { module, action: 'Save', field });
    }
    if (value !== undefined && typeof value !== 'string') {
      throw new CsmartValidationError(`${module}/Save field "${field}" must be text`, { module, action: 'Save', field });
    }
    out[field] = value;
  }
  // An edit may leave them out (a cancellation: the status): save fills them from the current record.
  if (!creating) return out;
  const [field] = missingRequired(module, out);
  if (field !== undefined) throw new CsmartValidationError(`${module}/Save needs "${field}"`, { module, action: 'Save', field });
  return out;
}

/** What AbortSignal.timeout() aborts with: a DOMException named TimeoutError. */
function abortForTimeout(controller: AbortController): void {
  controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Classifies a transport failure. Only a refused or unresolvable connection proves the request never left. */
export function networkError(error: unknown, where: { module: string; action: Action }, timeoutMs: number): CsmartError {
  if (error instanceof CsmartError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CsmartTimeoutError(`CSMART ${where.module}/${where.action} did not answer within ${timeoutMs} ms`, { ...where, cause: error });
  }
  const code = causeCode(error);
  // zlib's codes (Z_DATA_ERROR…) and Brotli's (ERR__ERROR_FORMAT_…): the answer came, but its compressed body is broken.
  if (code !== undefined && (code.startsWith('Z_') || code.startsWith('ERR__ERROR_'))) {
    return new CsmartProtocolError(`CSMART ${where.module}/${where.action} answered a compressed body that could not be decompressed (${code})`, { ...where, cause: error });
  }
  return new CsmartNetworkError(`CSMART ${where.module}/${where.action} could not be reached (${code ?? 'network error'})`, {
    ...where, cause: error, neverSent: code !== undefined && NEVER_SENT_CODES.has(code),
  });
}

function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
