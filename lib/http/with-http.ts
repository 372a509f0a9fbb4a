import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { logger } from '../observability/logger.ts';
import { scrub } from '../observability/scrub.ts';
import { countRejected, countServerError } from '../observability/metrics.ts';
import { withObservability } from '../observability/with-observability.ts';
import { SECURITY_HEADERS, type HttpAnswer } from './answers.ts';
import { errorAnswer, httpErrorOf } from './error-answer.ts';
import { HttpError } from './errors.ts';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpAnswer>;

/** Errors become answers here, once, and every answer gets the security headers. */
const answerErrors = (): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpAnswer> => ({
  after: (request) => {
    if (request.response) request.response.headers = { ...SECURITY_HEADERS, ...request.response.headers };
  },
  onError: (request) => {
    const { error } = request;
    reportRequestError(error);
    const answer = errorAnswer(error);
    request.response = { ...answer, headers: { ...SECURITY_HEADERS, ...answer.headers } };
  },
});

/**
 * Logs and counts an error that becomes an answer: a refusal (4xx, an `HttpError` or a domain
 * `RefusalError`) briefly, our own failure or an `unavailable` (503) in full. Every 5xx is counted
 * (`ServerError` by code): the handler answered, so Lambda's `Errors` stay 0 while nothing is accepted.
 */
export function reportRequestError(error: unknown): void {
  const answered = httpErrorOf(error);
  if (answered.status < 500) {
    countRejected(answered.code);
    logger.info('request refused', { status: answered.status, code: answered.code, field: answered.field });
    return;
  }
  countServerError(answered.code);
  const cause = error instanceof HttpError && error.code === 'internal' ? error.cause : error;
  // Our own errors' messages name settings and parameters, never values; others are scrubbed anyway.
  logger.error('request failed', { errorName: (cause as Error)?.name, code: (cause as { code?: unknown })?.code, reason: scrub(String((cause as Error)?.message ?? '')) });
}

/** The middy stack of every HTTP function: context in the logs, metrics flushed, errors answered. */
export function withHttp(handler: HttpHandler) {
  return withObservability(handler).use(answerErrors());
}
