import type { ExportRunResult } from '../export/run-export.ts';
import { logger } from './logger.ts';
import { scrub } from './scrub.ts';
import { count, countPerModule, METRIC } from './metrics.ts';

/** One log line and metrics per module, so a failed module is visible without reading the others. */
export function reportExport(run: ExportRunResult): void {
  for (const result of run.results) {
    const { module, status, count: records, bytes, created, updated, deleted, events, durationMs, error } = result;
    countPerModule(METRIC.exportRecords, module, records);
    countPerModule(METRIC.exportChanges, module, created + updated + deleted);
    if (status === 'failed') {
      count(METRIC.exportModuleFailed);
      logger.error('export module failed', { run: run.runId, date: run.date, module, code: error?.code, reason: scrub(error?.message ?? '') });
    } else {
      logger.info('export module done', { run: run.runId, date: run.date, module, records, bytes, created, updated, deleted, events, durationMs });
    }
  }
}

/** The heartbeat of the export: counted only when a run wrote every module (the alarm fires after 26 h without one). */
export function reportExportSucceeded(run: ExportRunResult): void {
  count(METRIC.exportSucceeded);
  logger.info('export succeeded', { run: run.runId, date: run.date, modules: run.results.length });
}
