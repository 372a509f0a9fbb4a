import { lazy } from '../lib/config/lazy.ts';
import { runConfiguredExport } from '../lib/export/configured-export.ts';
import { assertExportSucceeded } from '../lib/export/run-export.ts';
import { withSchedule } from '../lib/observability/with-schedule.ts';
import { reportExport, reportExportSucceeded } from '../lib/observability/export-log.ts';
import { createExportSetup, type ExportSetup } from '../lib/setup/export.ts';

/** An EventBridge Scheduler invocation; a manual run may name the day (`{"date":"2026-11-28"}`). */
type ExportEvent = { date?: string } | undefined;

/** Nightly: every configured CSMART list → S3 snapshots + change events; fails at the end if a module failed. */
export function createExportHandler(setup: () => ExportSetup) {
  return withSchedule(async (event: ExportEvent, context) => {
    // The run lock expires shortly after this invocation's timeout, so Lambda's retry of a run that timed out can run.
    const deadline = new Date(Date.now() + context.getRemainingTimeInMillis());
    const run = await runConfiguredExport(setup(), { deadline, ...(typeof event?.date === 'string' ? { date: event.date } : {}) });
    reportExport(run);
    assertExportSucceeded(run);
    reportExportSucceeded(run);
    return { date: run.date, modules: run.results.map(({ module, count, created, updated, deleted }) => ({ module, count, created, updated, deleted })) };
  });
}

/** Built on the first invocation (a bad setting fails it, logged) and kept for the execution environment's life. */
export const handler = createExportHandler(lazy(() => createExportSetup(process.env)));
