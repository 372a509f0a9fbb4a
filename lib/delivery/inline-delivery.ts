import type { SQSRecord } from 'aws-lambda';
import { QueueUnavailableError } from './errors.ts';
import { encodeJob } from './job-codec.ts';
import type { DeliveryJob } from './job.ts';
import { messageDeduplicationId, messageGroupId } from './keys.ts';
import { processDeliver, processLinks } from './runtime.ts';
import { processBatch, type WorkerDeps, type WorkerEvent } from './worker.ts';

const INLINE_ATTEMPTS = 3;

/**
 * Local mode (`serverless offline` has no SQS): the job is handed to the worker's own batch code
 * in-process, as SQS would hand it, with a few quick retries. If they all fail the submission is
 * refused (503), so nothing is acknowledged that was not delivered.
 */
export async function deliverInline(job: DeliveryJob, onEvent: (event: WorkerEvent) => void): Promise<void> {
  const linkStore = processLinks();
  let parked: string | undefined;
  const deps: WorkerDeps = {
    deliver: processDeliver(),
    links: linkStore,
    deadLetter: async (_record, reason) => { parked = `${reason.code}: ${reason.message}`; },
    postpone: (_record, seconds) => new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 1) * 200)),
    maxReceiveCount: INLINE_ATTEMPTS,
    onEvent,
  };
  for (let attempt = 1; attempt <= INLINE_ATTEMPTS; attempt++) {
    const { batchItemFailures } = await processBatch([inlineRecord(job, attempt)], deps);
    if (parked) throw new QueueUnavailableError(`CSMART refused the submission (${parked})`);
    if (batchItemFailures.length === 0) return;
  }
  throw new QueueUnavailableError('CSMART could not be reached; the submission was not accepted');
}

/** An SQS record as the event source mapping would deliver it. */
function inlineRecord(job: DeliveryJob, attempt: number): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: job.id,
    receiptHandle: `inline-${job.id}-${attempt}`,
    body: encodeJob(job),
    attributes: {
      ApproximateReceiveCount: String(attempt),
      SentTimestamp: now,
      SenderId: 'inline',
      ApproximateFirstReceiveTimestamp: now,
      MessageGroupId: messageGroupId(job.source, job.groupKey),
      MessageDeduplicationId: messageDeduplicationId(job.source, job.dedupeKey),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:inline.fifo',
    awsRegion: 'local',
  };
}
