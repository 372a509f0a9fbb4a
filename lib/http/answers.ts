import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { RefusalError, type RefusalKind } from '../errors/refusal.ts';
import { HttpError } from './errors.ts';

export type HttpAnswer = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

/** Sent with every answer: the API serves data and redirects, never pages to frame or sniff. */
export const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function redirect(location: string, headers: Record<string, string> = {}): HttpAnswer {
  return { statusCode: 303, headers: { location, ...headers }, body: '' };
}

export function empty(statusCode: number, headers: Record<string, string> = {}): HttpAnswer {
  return { statusCode, headers, body: '' };
}

const INTERNAL_MESSAGE = 'Something went wrong on our side; the submission was not accepted. Please try again.';

/** Our own failure, as an error the sender's answer can carry headers on (CORS), its cause kept for the log. */
export function internalError(cause: unknown, headers: Record<string, string> = {}): HttpError {
  return new HttpError(500, 'internal', INTERNAL_MESSAGE, { headers, cause });
}

/** The status code of each kind of refusal: the core names the kind, only this layer speaks HTTP. */
export const REFUSAL_STATUS = {
  malformed: 400,
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unavailable: 503,
} as const satisfies Record<RefusalKind, number>;

/** Any error as the HTTP error it is answered with: refusals by their kind, anything unknown as our own 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof RefusalError) {
    const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
    return new HttpError(REFUSAL_STATUS[error.kind], error.code, error.message, {
      ...(error.field ? { field: error.field } : {}), problems: error.problems, headers, cause: error,
    });
  }
  return internalError(error);
}

/**
 * The one place an error becomes an HTTP answer: `{ "error": { "code", "message", "field" } }`, plus
 * `errors` with every field when several failed. Anything that is not an `HttpError` is our fault:
 * a 500 that says nothing about its cause.
 */
export function errorAnswer(thrown: unknown): HttpAnswer {
  const error = toHttpError(thrown);
  if (error.code !== 'internal') {
    const body: Record<string, unknown> = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
    if (error.problems.length > 1) body.errors = error.problems;
    return json(error.status, body, error.headers);
  }
  return json(500, { error: { code: 'internal', message: INTERNAL_MESSAGE } }, error.headers);
}
