import type { SQSRecord } from 'aws-lambda';
import { dynamoClient } from '../config/aws/dynamodb.ts';
import { sqsClient } from '../config/aws/sqs.ts';
import { processSettings } from '../config/runtime.ts';
import type { Settings } from '../config/settings.ts';
import { CsmartConfigError } from '../csmart/errors.ts';
import { processClient } from '../csmart/process-client.ts';
import { createAccountDirectory, type AccountDirectory } from './account-directory.ts';
import { deliverJob } from './deliver.ts';
import { QueueUnavailableError } from './errors.ts';
import { encodeJob } from './job-codec.ts';
import type { DeliveryJob } from './job.ts';
import { messageDeduplicationId, messageGroupId } from './keys.ts';
import { createLinkStore, type LinkStore } from './link-store.ts';
import { deadLetterMessage, enqueueJob, postponeMessage } from './queue.ts';
import { processBatch, type WorkerDeps, type WorkerEvent } from './worker.ts';

/** Builds a queue URL from its name and the account and region in the function's own ARN (no Ref needed). */
export function queueUrlFromName(name: string, invokedFunctionArn: string): string {
  const [, partition, , region, account] = invokedFunctionArn.split(':');
  const host = partition === 'aws-cn' ? `sqs.${region}.amazonaws.com.cn` : `sqs.${region}.amazonaws.com`;
  return `https://${host}/${account}/${name}`;
}

export function resolveQueueUrls(settings: Settings, invokedFunctionArn: string | undefined): { queueUrl: string; dlqUrl: string } {
  const build = (url: string | undefined, name: string | undefined, variable: string) => {
    if (url) return url;
    if (name && invokedFunctionArn) return queueUrlFromName(name, invokedFunctionArn);
    throw new CsmartConfigError(`${variable} (or its queue name) is not set`, { field: variable });
  };
  return { queueUrl: build(settings.queueUrl, settings.queueName, 'CSMART_QUEUE_URL'), dlqUrl: build(settings.dlqUrl, settings.dlqName, 'CSMART_DLQ_URL') };
}

let links: LinkStore | undefined;
let accounts: AccountDirectory | undefined;

export function processLinks(): LinkStore {
  const settings = processSettings();
  if (!settings.linkTable) throw new CsmartConfigError('CSMART_LINK_TABLE is not set', { field: 'CSMART_LINK_TABLE' });
  return (links ??= createLinkStore({ dynamo: dynamoClient(), tableName: settings.linkTable }));
}

function processAccounts(): AccountDirectory {
  return (accounts ??= createAccountDirectory({ client: processClient(), ttlMs: processSettings().accountCacheSeconds * 1000 }));
}

/** The worker's dependencies in this process: the CSMART client, the link table and the queues. */
export function workerDeps(invokedFunctionArn: string | undefined, onEvent: (event: WorkerEvent) => void, remainingMs?: () => number): WorkerDeps {
  const settings = processSettings();
  const sqs = sqsClient();
  const urls = resolveQueueUrls(settings, invokedFunctionArn);
  const linkStore = processLinks();
  return {
    deliver: (job, dedupeId) => deliverJob(job, { client: processClient(), links: linkStore, accounts: processAccounts() }, dedupeId),
    links: linkStore,
    deadLetter: (record, reason) => deadLetterMessage(sqs, urls.dlqUrl, record, reason),
    postpone: (record, seconds) => postponeMessage(sqs, urls.queueUrl, record, seconds),
    maxReceiveCount: settings.maxReceiveCount,
    onEvent,
    // A delivery makes a few CSMART calls, each with up to three attempts of one timeout.
    ...(remainingMs ? { remainingMs, reserveMs: settings.callTimeoutMs * 4 } : {}),
  };
}

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
    deliver: (j, dedupeId) => deliverJob(j, { client: processClient(), links: linkStore, accounts: processAccounts() }, dedupeId),
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

/** Stores an accepted job: on the queue (AWS), or delivered in-process (local mode). */
export async function acceptJob(job: DeliveryJob, invokedFunctionArn: string | undefined, onEvent: (event: WorkerEvent) => void): Promise<void> {
  const settings = processSettings();
  if (settings.deliveryMode === 'inline') return deliverInline(job, onEvent);
  const { queueUrl } = resolveQueueUrls(settings, invokedFunctionArn);
  await enqueueJob(sqsClient(), queueUrl, job);
}

/** For tests: forget the process's link store and account cache. */
export function resetDeliveryRuntime(): void {
  links = undefined;
  accounts = undefined;
}
