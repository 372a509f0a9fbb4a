import type { Context } from 'aws-lambda';
import { withObservability } from './with-observability.ts';

/** The middy stack of scheduled functions. A failure is thrown, so the schedule's retries and DLQ take over. */
export function withSchedule<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return withObservability(handler);
}
