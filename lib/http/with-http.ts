import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { logger } from '../observability/logger.ts';
import { scrub } from '../observability/scrub.ts';
import { countRejected } from '../observability/metrics.ts';
import { withObservability } from '../observability/with-observability.ts';
import { RefusalError } from '../errors/refusal.ts';
import { errorAnswer, SECURITY_HEADERS, toHttpError, type HttpAnswer } from './answers.ts';

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

/** Logs and counts an error that becomes an answer: a refusal (4xx) briefly, our own failure in full. */
export function reportRequestError(thrown: unknown): void {
  const error = toHttpError(thrown);
  if (error.status < 500) {
    countRejected(error.code);
    logger.info('request refused', { status: error.status, code: error.code, field: error.field });
    return;
  }
  const cause = error.code === 'internal' || error.cause instanceof RefusalError ? error.cause : error;
  // Our own errors' messages name settings and parameters, never values; others are scrubbed anyway.
  logger.error('request failed', { errorName: (cause as Error)?.name, code: (cause as { code?: unknown })?.code, reason: scrub(String((cause as Error)?.message ?? '')) });
}

/** The middy stack of every HTTP function: context in the logs, metrics flushed, errors answered. */
export function withHttp(handler: HttpHandler) {
  return withObservability(handler).use(answerErrors());
}
