import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { withObservability } from './with-observability.ts';

/** The middy stack of every queue function. Errors are not swallowed: the platform retries. */
export function withQueue(handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) {
  return withObservability(handler);
}
