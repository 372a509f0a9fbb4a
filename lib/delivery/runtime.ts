import { dynamoClient } from '../config/aws/dynamodb.ts';
import { sqsClient } from '../config/aws/sqs.ts';
import { processSettings } from '../config/runtime.ts';
import { CsmartConfigError } from '../csmart/errors.ts';
import { processClient } from '../csmart/process-client.ts';
import { DEFAULT_RETRY_POLICY } from '../csmart/retry-policy.ts';
import { createAccountDirectory, type AccountDirectory } from './account-directory.ts';
import { deliverJob } from './deliver.ts';
import { reportEnrichment } from '../observability/enrichment-log.ts';
import { needsPreparing, prepareJob, processPrepareDeps, resetPrepareDeps } from './prepare-job.ts';
import { createLinkStore, type LinkStore } from './link-store.ts';
import { guardEmptyLists } from './list-guard.ts';
import { deliveryReserveMs } from './time-budget.ts';
import { deadLetterMessage, postponeMessage } from './queue.ts';
import { processQueueUrls } from './queue-urls.ts';
import type { WorkerDeps, WorkerEvent } from './worker.ts';

/** The worker's side of the process: the link store, the account directory and the worker's dependencies. */
let links: LinkStore | undefined;
let accounts: AccountDirectory | undefined;

export function processLinks(): LinkStore {
  const settings = processSettings();
  if (!settings.linkTable) throw new CsmartConfigError('CSMART_LINK_TABLE is not set', { field: 'CSMART_LINK_TABLE' });
  return (links ??= createLinkStore({ dynamo: dynamoClient(), tableName: settings.linkTable }));
}

export function processAccounts(): AccountDirectory {
  return (accounts ??= createAccountDirectory({ client: deliveryClient(), ttlMs: processSettings().accountCacheSeconds * 1000 }));
}

/** The CSMART client as delivery uses it: an empty List where we linked records is a glitch, not deletion. */
function deliveryClient() {
  return guardEmptyLists(processClient(), processLinks());
}

/** Delivers one job with this process's CSMART client, link store and account directory. */
export function processDeliver(): WorkerDeps['deliver'] {
  const links = processLinks();
  return async (job, dedupeId, attempt) => {
    // Before CSMART: fetch announced leads (Meta) and look NIPs up in the VAT register; a delivered job skips both.
    if (needsPreparing(job)) {
      if (await links.isDelivered(dedupeId)) return { duplicate: true, records: [] };
      job = await prepareJob(job, processPrepareDeps(reportEnrichment));
    }
    return deliverJob(job, { client: deliveryClient(), links, accounts: processAccounts() }, dedupeId, attempt);
  };
}

/** The worker's dependencies in this process: the CSMART client, the link table and the queues. */
export async function workerDeps(invokedFunctionArn: string | undefined, onEvent: (event: WorkerEvent) => void, remainingMs?: () => number): Promise<WorkerDeps> {
  const settings = processSettings();
  const sqs = sqsClient();
  const urls = await processQueueUrls(sqs, settings, invokedFunctionArn);
  const linkStore = processLinks();
  return {
    deliver: processDeliver(),
    links: linkStore,
    deadLetter: (record, reason) => deadLetterMessage(sqs, urls.dlqUrl, record, reason),
    postpone: (record, seconds) => postponeMessage(sqs, urls.queueUrl, record, seconds),
    maxReceiveCount: settings.maxReceiveCount,
    retryBaseSeconds: settings.retryBaseSeconds,
    onEvent,
    // A delivery starts only while its worst case (lib/delivery/time-budget.ts) fits in the time left.
    ...(remainingMs ? { remainingMs, reserveMs: (job) => deliveryReserveMs(job, settings.callTimeoutMs, DEFAULT_RETRY_POLICY) } : {}),
  };
}

/** For tests: forget the process's link store and account cache. */
export function resetDeliveryRuntime(): void {
  links = undefined;
  accounts = undefined;
  resetPrepareDeps();
}
