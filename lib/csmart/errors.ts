/** Stable codes of every CSMART failure; callers branch on `code`, never on the message. */
export const CSMART_ERROR_CODES = ['auth', 'validation', 'upstream', 'timeout', 'protocol', 'network', 'config'] as const;
export type CsmartErrorCode = (typeof CSMART_ERROR_CODES)[number];

export type CsmartErrorContext = { module?: string; action?: string; field?: string; cause?: unknown };

/** Base of every CSMART error. Messages never carry a token, hash, password or a raw body. */
export class CsmartError extends Error {
  override name = 'CsmartError';
  readonly code: CsmartErrorCode;
  readonly module: string | undefined;
  readonly action: string | undefined;
  readonly field: string | undefined;
  /** Whether repeating the same call later may succeed. */
  readonly transient: boolean;

  constructor(code: CsmartErrorCode, message: string, context: CsmartErrorContext = {}, transient = false) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.module = context.module;
    this.action = context.action;
    this.field = context.field;
    this.transient = transient;
  }
}

/** CSMART refused the credentials or the token, also after one fresh login. */
export class CsmartAuthError extends CsmartError {
  override name = 'CsmartAuthError';
  constructor(message: string, context?: CsmartErrorContext) { super('auth', message, context, true); }
}

/** CSMART rejected the data itself (or we did, before sending): repeating it will not help. */
export class CsmartValidationError extends CsmartError {
  override name = 'CsmartValidationError';
  constructor(message: string, context?: CsmartErrorContext) { super('validation', message, context, false); }
}

/** CSMART answered 5xx or another server-side failure. */
export class CsmartUpstreamError extends CsmartError {
  override name = 'CsmartUpstreamError';
  readonly status: number | undefined;
  constructor(message: string, context?: CsmartErrorContext & { status?: number }) {
    super('upstream', message, context, true);
    this.status = context?.status;
  }
}

/** No answer within the per-call timeout. A Save may or may not have happened. */
export class CsmartTimeoutError extends CsmartError {
  override name = 'CsmartTimeoutError';
  constructor(message: string, context?: CsmartErrorContext) { super('timeout', message, context, true); }
}

/** The answer was not the vendor's JSON envelope: an HTML page, a PHP warning, an empty or cut body. */
export class CsmartProtocolError extends CsmartError {
  override name = 'CsmartProtocolError';
  constructor(message: string, context?: CsmartErrorContext) { super('protocol', message, context, true); }
}

/** The connection failed. `neverSent` is true when CSMART provably never saw the request. */
export class CsmartNetworkError extends CsmartError {
  override name = 'CsmartNetworkError';
  readonly neverSent: boolean;
  constructor(message: string, context: CsmartErrorContext & { neverSent: boolean }) {
    super('network', message, context, true);
    this.neverSent = context.neverSent;
  }
}

/** Credentials or settings are missing or malformed. */
export class CsmartConfigError extends CsmartError {
  override name = 'CsmartConfigError';
  constructor(message: string, context?: CsmartErrorContext) { super('config', message, context, false); }
}
