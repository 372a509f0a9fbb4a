import type { Context } from 'aws-lambda';

/**
 * What the Lambda runtime hands a function besides its event, for tests and benchmarks that call a
 * handler in-process. The events themselves: `http-events.ts` (API Gateway HTTP API) and `sqs-events.ts`.
 */

/** A Lambda context as the runtime passes it (what middy and Powertools read). */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `csmart-connect-test-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:csmart-connect-test-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/csmart-connect-test-${functionName}`,
    logStreamName: '2026/11/29/[$LATEST]abcdef0123456789',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
