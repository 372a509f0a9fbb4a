import type { WorkerEvent } from '../delivery/worker.ts';
import { logger } from './logger.ts';
import { scrub } from './scrub.ts';
import { count, METRIC } from './metrics.ts';

/** Logs and counts what the worker did. Submission ids and record ids only: no personal data. */
export function reportWorkerEvent(event: WorkerEvent): void {
  const submission = event.job?.id;
  switch (event.type) {
    case 'delivered':
      count(METRIC.delivered);
      logger.info('delivered', { correlation_id: submission, source: event.job.source, kind: event.job.kind, records: event.outcome.records });
      break;
    case 'duplicate':
      count(METRIC.duplicateSuppressed);
      logger.info('duplicate suppressed', { correlation_id: submission, source: event.job.source });
      break;
    case 'retrying':
      count(METRIC.retried);
      logger.warn('delivery failed; will retry', { correlation_id: submission, messageId: event.messageId, attempt: event.attempt, delaySeconds: event.delaySeconds, code: event.code, reason: scrub(event.message) });
      break;
    case 'dead-lettered':
      count(METRIC.deadLettered);
      logger.error('delivery failed for good; parked in the DLQ', { correlation_id: submission, messageId: event.messageId, attempt: event.attempt, code: event.code, reason: scrub(event.message), by: event.by });
      break;
    case 'held':
      logger.info('handed back untried: an earlier message of its group failed, or the invocation is running out of time', { correlation_id: submission, messageId: event.messageId });
      break;
  }
}
