import { observeClient } from '../lib/csmart/process-client.ts';
import { runConfiguredExport } from '../lib/export/configured-export.ts';
import { assertExportSucceeded } from '../lib/export/run-export.ts';
import { reportClientEvent } from '../lib/observability/client-log.ts';
import { reportExport, reportExportSucceeded } from '../lib/observability/export-log.ts';
import { withSchedule } from '../lib/schedule/with-schedule.ts';

observeClient(reportClientEvent);

/** An EventBridge Scheduler invocation; a manual run may name the day (`{"date":"2026-11-28"}`). */
type ExportEvent = { date?: string } | undefined;

/** Nightly: every configured CSMART list → S3 snapshots + change events; fails at the end if a module failed. */
export const handler = withSchedule(async (event: ExportEvent) => {
  const run = await runConfiguredExport(typeof event?.date === 'string' ? { date: event.date } : {});
  reportExport(run);
  assertExportSucceeded(run);
  reportExportSucceeded(run);
  return { date: run.date, modules: run.results.map(({ module, count, created, updated, deleted }) => ({ module, count, created, updated, deleted })) };
});
