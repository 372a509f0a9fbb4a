import { lazy } from '../lib/config/lazy.ts';
import { withQueue } from '../lib/observability/with-queue.ts';
import { processBatch } from '../lib/delivery/worker.ts';
import { createWorkerSetup, type WorkerSetup } from '../lib/setup/worker.ts';

/** Delivery queue → CSMART: each message alone (partial batch failures), at most one record per entity. */
export function createWorkerHandler(setup: () => WorkerSetup) {
  return withQueue(async (event, context) => processBatch(event.Records, await setup().deps(context)));
}

/** Built on the first invocation (a bad setting fails it, logged) and kept for the execution environment's life. */
export const handler = createWorkerHandler(lazy(() => createWorkerSetup(process.env)));
