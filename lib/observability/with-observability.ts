import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

/** The base of every function's middy stack: the invocation's context in the logs, metrics flushed at the end. */
export function withObservability<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
