import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeliveryJob } from '../../lib/intake/job.ts';
import type { ExportRunResult, ModuleResult } from '../../lib/export/run-export.ts';
import { reportClientEvent } from '../../lib/observability/client-log.ts';
import { reportWorkerEvent } from '../../lib/observability/delivery-log.ts';
import { reportDirectoryLoaded } from '../../lib/observability/directory-log.ts';
import { reportExport, reportExportSucceeded } from '../../lib/observability/export-log.ts';
import { count, countEnrichment, countRejected, countServerError, METRIC, METRIC_DIMENSIONS, metrics } from '../../lib/observability/metrics.ts';
import { useMetricLines } from '../support/metric-lines.ts';

/*
 * The metric table (METRIC_DIMENSIONS) is what the template's alarms and dashboard are checked against
 * (test/infra/template.test.ts). Here the code is held to it: each metric is published with exactly the
 * dimensions the table names, and every metric in the table is published by some source file.
 */
const metricLines = useMetricLines({ passThrough: false });

/** Metric name → the dimension sets it was published with. */
function published(): Map<string, string[][]> {
  metrics.publishStoredMetrics();
  const seen = new Map<string, string[][]>();
  for (const emf of metricLines()) {
    for (const directive of emf._aws.CloudWatchMetrics) {
      for (const metric of directive.Metrics) seen.set(metric.Name, [...(seen.get(metric.Name) ?? []), ...directive.Dimensions]);
    }
  }
  return seen;
}

const job = { v: 1, id: 'sub-1', source: 'leads', kind: 'lead', groupKey: 'g', dedupeKey: 'd', receivedAt: '2026-03-13T09:15:00.000Z', steps: [] } as unknown as DeliveryJob;
const moduleResult = (module: string, status: 'ok' | 'failed'): ModuleResult => ({
  module: module as ModuleResult['module'], status, count: 3, bytes: 10, created: 1, updated: 1, deleted: 0, events: 2, baseline: null, durationMs: 5,
  ...(status === 'failed' ? { error: { code: 'upstream', message: 'down' } } : {}),
});

describe('the metric table', () => {
  it('matches the dimensions the reporters publish each metric with', () => {
    reportWorkerEvent({ type: 'delivered', job, outcome: { records: [] } } as never);
    reportWorkerEvent({ type: 'duplicate', job });
    reportWorkerEvent({ type: 'retrying', job, messageId: 'm', attempt: 1, delaySeconds: 60, code: 'upstream', message: 'x' });
    reportWorkerEvent({ type: 'dead-lettered', job, messageId: 'm', attempt: 10, code: 'validation', message: 'x', by: 'worker' });
    const run: ExportRunResult = { runId: 'r', date: '2026-03-13', results: [moduleResult('Accounts', 'ok'), moduleResult('Invoices', 'failed')] };
    reportExport(run);
    reportExportSucceeded(run);
    countRejected('email_invalid');
    countServerError('unavailable');
    countEnrichment('found');
    count(METRIC.accepted);
    count(METRIC.spam);
    count(METRIC.ignored);
    reportClientEvent({ type: 'login' } as never);
    reportDirectoryLoaded({ clients: 300_000, ms: 900 }, 256);

    const seen = published();
    for (const [name, dimensions] of Object.entries(METRIC_DIMENSIONS)) {
      if (!seen.has(name)) continue;
      for (const set of seen.get(name)!) expect({ name, dimensions: [...set].sort() }).toEqual({ name, dimensions: [...dimensions].sort() });
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(METRIC_DIMENSIONS).sort());
  });

  it('names only metrics some source file publishes', () => {
    const sources = ['lib', 'functions'].flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8')));
    const text = sources.join('\n');
    for (const key of Object.keys(METRIC)) {
      const used = new RegExp(`\\b(count|countPerModule|percent)\\(METRIC\\.${key}\\b`).test(text)
        || (key === 'rejected' && /countRejected\(/.test(text)) || (key === 'serverError' && /countServerError\(/.test(text)) || (key === 'enrichment' && /countEnrichment\(/.test(text));
      expect({ key, used }).toEqual({ key, used: true });
    }
  });
});
