import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The `service` dimension of every metric (Powertools adds it): alarms and the dashboard name it. */
export const METRIC_SERVICE = 'csmart-connect';

/** CloudWatch metrics in the embedded metric format, flushed at the end of each invocation. */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CsmartConnect', serviceName: METRIC_SERVICE });

/** Every metric name in one place, so dashboards and alarms can rely on them. */
export const METRIC = {
  accepted: 'Accepted',
  rejected: 'Rejected',
  /** A request answered 5xx (our failure or a dependency down): nothing was accepted, and a sender that never retries loses it. */
  serverError: 'ServerError',
  spam: 'Spam',
  ignored: 'Ignored',
  delivered: 'Delivered',
  retried: 'Retried',
  deadLettered: 'DeadLettered',
  duplicateSuppressed: 'DuplicateSuppressed',
  csmartLogins: 'CsmartLogins',
  exportRecords: 'ExportRecords',
  exportChanges: 'ExportChanges',
  exportModuleFailed: 'ExportModuleFailed',
  /** One per export run that finished with every module written: the heartbeat alarm's signal. */
  exportSucceeded: 'ExportSucceeded',
  enrichment: 'Enrichment',
  /** The worker's memory in use, in percent of its function's memory, after it read CSMART's whole client list. */
  workerMemoryUsed: 'WorkerMemoryUsed',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * The dimensions each metric is published with. CloudWatch treats every dimension set as a metric of its
 * own, so an alarm or dashboard naming other dimensions watches something never published; the template
 * tests hold serverless.yml to this table, and the metrics tests hold the code to it.
 */
export const METRIC_DIMENSIONS: Readonly<Record<MetricName, readonly string[]>> = {
  Accepted: ['service'],
  Rejected: ['service', 'reason'],
  ServerError: ['service', 'code'],
  Spam: ['service'],
  Ignored: ['service'],
  Delivered: ['service'],
  Retried: ['service'],
  DeadLettered: ['service'],
  DuplicateSuppressed: ['service'],
  CsmartLogins: ['service'],
  ExportRecords: ['service', 'module'],
  ExportChanges: ['service', 'module'],
  ExportModuleFailed: ['service'],
  ExportSucceeded: ['service'],
  Enrichment: ['service', 'outcome'],
  WorkerMemoryUsed: ['service'],
};

/** A percentage (the worker's memory in use). */
export function percent(name: MetricName, value: number): void {
  metrics.addMetric(name, MetricUnit.Percent, value);
}

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** A count for one export module (`module` dimension), so the dashboard can show each module. */
export function countPerModule(name: MetricName, module: string, value: number): void {
  const metric = metrics.singleMetric();
  metric.addDimension('module', module);
  metric.addMetric(name, MetricUnit.Count, value);
}

/** A refused request, counted with its reason (the error code) as a dimension. */
export function countRejected(reason: string): void {
  const metric = metrics.singleMetric();
  metric.addDimension('reason', reason);
  metric.addMetric(METRIC.rejected, MetricUnit.Count, 1);
}

/** A request answered 5xx, counted with its error code (`internal`, `unavailable`, `source_not_configured`) as a dimension. */
export function countServerError(code: string): void {
  const metric = metrics.singleMetric();
  metric.addDimension('code', code);
  metric.addMetric(METRIC.serverError, MetricUnit.Count, 1);
}

/** One VAT register lookup, counted with its outcome (found, not-found, cached, limit, unavailable) as a dimension. */
export function countEnrichment(outcome: string): void {
  const metric = metrics.singleMetric();
  metric.addDimension('outcome', outcome);
  metric.addMetric(METRIC.enrichment, MetricUnit.Count, 1);
}
