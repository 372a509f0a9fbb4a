import type { DirectoryLoaded } from '../delivery/account-directory.ts';
import { logger } from './logger.ts';
import { METRIC, percent } from './metrics.ts';

/**
 * Logs the account directory's size after each Accounts List and publishes the worker's memory in use as a
 * percentage of its function's memory: the directory grows with the CRM, and the `…-worker-memory` alarm
 * fires on this before the worker runs out (bench/list: 1,000,000 clients fill about 210 of 256 MB).
 */
export function reportDirectoryLoaded(loaded: DirectoryLoaded, memoryLimitMb: number | undefined, rssBytes = process.memoryUsage.rss()): void {
  const rssMb = Math.round(rssBytes / 1024 / 1024);
  const used = memoryLimitMb ? Math.round((rssMb / memoryLimitMb) * 100) : undefined;
  if (used !== undefined) percent(METRIC.workerMemoryUsed, used);
  logger.info('account directory loaded', { clients: loaded.clients, ms: loaded.ms, rssMb, ...(memoryLimitMb ? { memoryLimitMb, memoryPercent: used } : {}) });
}
