import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { createConfigSources, type ConfigSources } from '../config/config-sources.ts';
import { lazy } from '../config/lazy.ts';
import type { Environment } from '../config/settings.ts';
import type { CallEvent } from '../csmart/client.ts';
import { DEFAULT_RETRY_POLICY } from '../csmart/retry-policy.ts';
import { createAccountDirectory, type DirectoryLoaded } from '../delivery/account-directory.ts';
import { deliverJob } from '../delivery/deliver.ts';
import { ConfigSettingMissingError } from '../config/errors.ts';
import { createLinkStore } from '../delivery/link-store.ts';
import { guardEmptyLists } from '../delivery/list-guard.ts';
import { needsPreparing, prepareJob, type PrepareDeps } from '../delivery/prepare-job.ts';
import { deadLetterMessage, postponeMessage } from '../delivery/queue.ts';
import { createQueueUrlResolver } from '../intake/queue-urls.ts';
import { sdkSqs } from '../aws/sdk-sqs.ts';
import { deliveryReserveMs } from '../delivery/time-budget.ts';
import type { WorkerDeps, WorkerEvent } from '../delivery/worker.ts';
import type { EnrichmentReport } from '../enrichment/enrich-job.ts';
import { createNipLookup } from '../enrichment/nip-lookup.ts';
import { createRegisterStore } from '../enrichment/register-store.ts';
import type { DeliveryJob } from '../intake/job.ts';
import { reportClientEvent } from '../observability/client-log.ts';
import { reportWorkerEvent } from '../observability/delivery-log.ts';
import { reportDirectoryLoaded } from '../observability/directory-log.ts';
import { reportEnrichment } from '../observability/enrichment-log.ts';
import { createConfiguredClient } from './csmart-client.ts';

/** A register or Graph call never holds a delivery longer than this. */
const OUTSIDE_CALL_TIMEOUT_MS = 3000;

/** How the worker reports its deliveries, its CSMART calls and its VAT register lookups (default: logs and metrics). */
export type WorkerReporters = {
  onWorkerEvent?(event: WorkerEvent): void;
  onClientEvent?(event: CallEvent): void;
  onEnrichment?(job: DeliveryJob, reports: EnrichmentReport[]): void;
  /** After each Accounts List the directory was built from, with the function's memory (Lambda's context). */
  onDirectoryLoaded?(loaded: DirectoryLoaded, memoryLimitMb: number | undefined): void;
};

export type WorkerSetup = {
  /** The worker's dependencies for one invocation (its ARN finds the queues, its clock bounds the batch). */
  deps(context: Pick<Context, 'invokedFunctionArn' | 'getRemainingTimeInMillis' | 'memoryLimitInMB'>): Promise<WorkerDeps>;
};

export type WorkerParts = WorkerReporters & {
  config?: ConfigSources;
  sqs?: () => SQSClient;
  dynamo?: () => DynamoDBClient;
};

/**
 * Everything the delivery worker uses, built once per execution environment: the CSMART client (an
 * empty List where we linked records is a glitch, not deletion), the link table, the account directory,
 * the VAT register and Graph access, and the queues.
 */
export function createWorkerSetup(env: Environment, parts: WorkerParts = {}): WorkerSetup {
  const config = parts.config ?? createConfigSources(env);
  const { settings } = config;
  if (!settings.linkTable) throw new ConfigSettingMissingError('CSMART_LINK_TABLE is not set', 'CSMART_LINK_TABLE');
  const sqs = parts.sqs ?? lazy(() => new SQSClient({}));
  const dynamo = parts.dynamo ?? lazy(() => new DynamoDBClient({}));

  const links = createLinkStore({ dynamo: dynamo(), tableName: settings.linkTable });
  const client = guardEmptyLists(createConfiguredClient(settings, config.credentials, parts.onClientEvent ?? reportClientEvent), links);
  // The function's memory, from the invocation's context: the directory's report measures against it.
  let memoryLimitMb: number | undefined;
  const onDirectoryLoaded = parts.onDirectoryLoaded ?? reportDirectoryLoaded;
  const accounts = createAccountDirectory({
    client, ttlMs: settings.accountCacheSeconds * 1000, onLoaded: (loaded) => onDirectoryLoaded(loaded, memoryLimitMb),
  });
  const prepare: PrepareDeps = {
    lookup: createNipLookup({
      store: createRegisterStore({ dynamo: dynamo(), tableName: settings.linkTable }),
      register: { baseUrl: settings.vatRegisterUrl, timeoutMs: OUTSIDE_CALL_TIMEOUT_MS },
      dailyLimit: settings.vatRegisterDailyLimit,
    }),
    meta: {
      graph: { baseUrl: settings.metaGraphUrl, timeoutMs: OUTSIDE_CALL_TIMEOUT_MS },
      pageToken: async (pageId) => {
        const name = `meta/pages/${pageId}`;
        return (await config.read([name])).get(name);
      },
    },
    timeZone: settings.timeZone,
    onEnrichment: parts.onEnrichment ?? reportEnrichment,
  };
  const deliver: WorkerDeps['deliver'] = async (job, dedupeId, attempt) => {
    // Before CSMART: fetch announced leads (Meta) and look NIPs up in the VAT register; a delivered job skips both.
    if (needsPreparing(job)) {
      if (await links.isDelivered(dedupeId)) return { duplicate: true, records: [] };
      job = await prepareJob(job, prepare);
    }
    return deliverJob(job, { client, links, accounts }, dedupeId, attempt);
  };
  let queueUrls: ReturnType<typeof createQueueUrlResolver> | undefined;

  return {
    async deps(context) {
      memoryLimitMb = Number(context.memoryLimitInMB) || undefined;
      queueUrls ??= createQueueUrlResolver(sdkSqs(sqs()), settings);
      const urls = await queueUrls(context.invokedFunctionArn);
      return {
        deliver,
        links,
        deadLetter: (record, reason) => deadLetterMessage(sqs(), urls.dlqUrl, record, reason),
        postpone: (record, seconds) => postponeMessage(sqs(), urls.queueUrl, record, seconds),
        maxReceiveCount: settings.maxReceiveCount,
        retryBaseSeconds: settings.retryBaseSeconds,
        onEvent: parts.onWorkerEvent ?? reportWorkerEvent,
        // A delivery starts only while its worst case (lib/delivery/time-budget.ts) fits in the time left.
        remainingMs: () => context.getRemainingTimeInMillis(),
        reserveMs: (job) => deliveryReserveMs(job, settings.callTimeoutMs, DEFAULT_RETRY_POLICY),
      };
    },
  };
}
