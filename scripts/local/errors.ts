export const LOCAL_STACK_ERROR_CODES = ['bad_setting', 'port_taken', 'offline_missing', 'offline_failed', 'offline_timeout', 'aborted'] as const;
export type LocalStackErrorCode = (typeof LOCAL_STACK_ERROR_CODES)[number];

/** The local stack could not start; the message says what to do about it (`npm start` prints only the message). */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
  readonly code: LocalStackErrorCode;
  constructor(code: LocalStackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
