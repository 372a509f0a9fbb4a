/** Stable codes of export failures; callers and logs branch on `code`, never on the message. */
export const EXPORT_ERROR_CODES = ['config', 'locked', 'lock_lost', 'store', 'publish', 'event_too_large', 'empty_list', 'failed'] as const;
export type ExportErrorCode = (typeof EXPORT_ERROR_CODES)[number];

/** Base of every export error. Messages name modules and keys, never credentials. */
export class ExportError extends Error {
  override name = 'ExportError';
  readonly code: ExportErrorCode;
  constructor(code: ExportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** A setting or argument is malformed (a date that is not `YYYY-MM-DD`, an empty bucket). */
export class ExportConfigError extends ExportError {
  override name = 'ExportConfigError';
  constructor(message: string) { super('config', message); }
}

/** Another run holds the export lock: this run wrote nothing. */
export class ExportLockedError extends ExportError {
  override name = 'ExportLockedError';
  readonly heldBy: string | undefined;
  readonly expiresAt: string | undefined;
  constructor(heldBy: string | undefined, expiresAt: string | undefined) {
    super('locked', `Another export run holds the lock${expiresAt ? ` until ${expiresAt}` : ''}.`);
    this.heldBy = heldBy;
    this.expiresAt = expiresAt;
  }
}

/** The lock expired and another run took it over; this run stops before writing more. */
export class ExportLockLostError extends ExportError {
  override name = 'ExportLockLostError';
  constructor() { super('lock_lost', 'The export lock was taken over by another run.'); }
}

/** The snapshot store failed in a way the SDK does not describe itself (a key outside the directory…). */
export class ExportSnapshotStoreError extends ExportError {
  override name = 'ExportSnapshotStoreError';
  constructor(message: string, options?: { cause?: unknown }) { super('store', message, options); }
}

/** EventBridge kept refusing some entries after every retry. */
export class ExportEventPublishError extends ExportError {
  override name = 'ExportEventPublishError';
  readonly failedCount: number;
  readonly errorCodes: string[];
  constructor(failedCount: number, errorCodes: string[]) {
    super('publish', `EventBridge refused ${failedCount} change event(s) after retries (${errorCodes.join(', ') || 'no code'}).`);
    this.failedCount = failedCount;
    this.errorCodes = errorCodes;
  }
}

/** Even the S3 reference of a record does not fit in one event (the size limit is set far too low). */
export class ExportEventTooLargeError extends ExportError {
  override name = 'ExportEventTooLargeError';
  constructor(id: string, bytes: number, limit: number) {
    super('event_too_large', `The change event of record ${id} needs ${bytes} bytes even as a reference; the limit is ${limit}.`);
  }
}

/** Thrown by the caller at the end of a run in which at least one module failed, so the schedule retries. */
export class ExportFailedError extends ExportError {
  override name = 'ExportFailedError';
  readonly modules: string[];
  constructor(modules: string[]) {
    super('failed', `Export failed for ${modules.join(', ')}.`);
    this.modules = modules;
  }
}
