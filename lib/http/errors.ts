import type { FieldProblem } from '../errors/refusal.ts';

export type { FieldProblem } from '../errors/refusal.ts';

/**
 * An answer about the HTTP exchange itself (a body too large or of an unsupported type, a foreign
 * origin, a method not allowed, a 503 to retry) or our own 500. Domain code throws `RefusalError`s
 * instead; `lib/http/error-answer.ts` renders both as `{ "error": { "code", "message", "field" } }`.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly problems: FieldProblem[];
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { field?: string; problems?: FieldProblem[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.field = options.field;
    this.problems = options.problems ?? [];
    this.headers = options.headers ?? {};
  }
}
