import { observeClient } from '../lib/csmart/process-client.ts';
import { workerDeps } from '../lib/delivery/runtime.ts';
import { processBatch } from '../lib/delivery/worker.ts';
import { reportClientEvent } from '../lib/observability/client-log.ts';
import { reportWorkerEvent } from '../lib/observability/delivery-log.ts';
import { withQueue } from '../lib/queue/with-queue.ts';

observeClient(reportClientEvent);

/** Delivery queue → CSMART: each message alone (partial batch failures), at most one record per entity. */
export const handler = withQueue(async (event, context) =>
  processBatch(event.Records, await workerDeps(context.invokedFunctionArn, reportWorkerEvent, () => context.getRemainingTimeInMillis())));
