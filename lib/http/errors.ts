/** One problem with one input field, as answered to the sender. */
export type FieldProblem = { code: string; message: string; field?: string };

/**
 * An answer the sender caused (4xx). The single place that turns errors into HTTP answers
 * renders it as `{ "error": { "code", "message", "field" } }`, plus `errors` when several fields failed.
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

/** The input is malformed or fails validation; `problems` names every field at fault. */
export class ValidationError extends HttpError {
  override name = 'ValidationError';
  constructor(problems: FieldProblem[], status = 422) {
    const first = problems[0] ?? { code: 'invalid', message: 'The request is invalid.' };
    const message = problems.length > 1 ? `${problems.length} fields are invalid: ${problems.map((p) => p.field).join(', ')}.` : first.message;
    super(status, problems.length > 1 ? 'invalid_fields' : first.code, message, { field: first.field, problems });
  }
}
