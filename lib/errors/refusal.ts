/** One problem with one input field, as answered to the sender. */
export type FieldProblem = { code: string; message: string; field?: string };

/**
 * What kind of refusal an input earned. The core says what went wrong; only `lib/http` decides which
 * status code that is (`lib/http/error-answer.ts`), so mapping and provider code never speak HTTP.
 */
export const REFUSAL_KINDS = ['malformed', 'invalid', 'unauthorized', 'forbidden', 'not_found', 'unavailable'] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

export type RefusalOptions = { field?: string; problems?: FieldProblem[]; retryAfterSeconds?: number; cause?: unknown };

/**
 * Input we refuse, or cannot take just now (`unavailable`): the sender's answer says why and names the
 * field. Messages are fixed texts or name fields and settings, never secrets or values from the request.
 */
export class RefusalError extends Error {
  override name = 'RefusalError';
  readonly kind: RefusalKind;
  readonly code: string;
  readonly field: string | undefined;
  readonly problems: FieldProblem[];
  /** For `unavailable`: when the sender should try again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: RefusalKind, code: string, message: string, options: RefusalOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = code;
    this.field = options.field ?? options.problems?.[0]?.field;
    this.problems = options.problems ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The input fails validation; `problems` names every field at fault. */
export class InputValidationError extends RefusalError {
  override name = 'InputValidationError';
  constructor(problems: FieldProblem[], kind: Extract<RefusalKind, 'malformed' | 'invalid'> = 'invalid') {
    const first = problems[0] ?? { code: 'invalid', message: 'The request is invalid.' };
    const message = problems.length > 1 ? `${problems.length} fields are invalid: ${problems.map((p) => p.field).join(', ')}.` : first.message;
    super(kind, problems.length > 1 ? 'invalid_fields' : first.code, message, { problems, ...(first.field ? { field: first.field } : {}) });
  }
}
