import { RefusalError, type RefusalKind } from '../errors/refusal.ts';
import { json, type HttpAnswer } from './answers.ts';
import { HttpError } from './errors.ts';

/** The status code of each kind of refusal: the one place the pure core's errors become HTTP. */
export const REFUSAL_STATUS = {
  malformed: 400,
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unavailable: 503,
} as const satisfies Record<RefusalKind, number>;

const INTERNAL_MESSAGE = 'Something went wrong on our side; the submission was not accepted. Please try again.';

/** Our own failure, as an error the sender's answer can carry headers on (CORS), its cause kept for the log. */
export function internalError(cause: unknown, headers: Record<string, string> = {}): HttpError {
  return new HttpError(500, 'internal', INTERNAL_MESSAGE, { headers, cause });
}

/** Whether an error is one the sender is told about (a refusal, or a 503 to retry), rather than our own failure. */
export function isAnswerable(error: unknown): error is HttpError | RefusalError {
  return error instanceof RefusalError || (error instanceof HttpError && error.code !== 'internal');
}

/**
 * Any error as the `HttpError` it is answered with: an `HttpError` as it is, a domain refusal with its
 * kind's status (and `retry-after` when it says when to retry), anything else as our own 500.
 */
export function httpErrorOf(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (!(error instanceof RefusalError)) return internalError(error);
  const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
  return new HttpError(REFUSAL_STATUS[error.kind], error.code, error.message, {
    ...(error.field === undefined ? {} : { field: error.field }), problems: error.problems, headers, cause: error,
  });
}

/**
 * The one place an error becomes an HTTP answer: `{ "error": { "code", "message", "field" } }`, plus
 * `errors` with every field when several failed. Anything that is neither an `HttpError` nor a
 * `RefusalError` is our fault: a 500 that says nothing about its cause.
 */
export function errorAnswer(error: unknown): HttpAnswer {
  const answered = httpErrorOf(error);
  if (answered.code !== 'internal') {
    const body: Record<string, unknown> = { error: { code: answered.code, message: answered.message, ...(answered.field ? { field: answered.field } : {}) } };
    if (answered.problems.length > 1) body.errors = answered.problems;
    return json(answered.status, body, answered.headers);
  }
  return json(500, { error: { code: 'internal', message: INTERNAL_MESSAGE } }, answered.headers);
}
