import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** CloudWatch metrics in the embedded metric format, flushed at the end of each invocation. */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CsmartConnect', serviceName: 'csmart-connect' });

/** Every metric name in one place, so dashboards and alarms can rely on them. */
export const METRIC = {
  accepted: 'Accepted',
  rejected: 'Rejected',
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
  enrichment: 'Enrichment',
} as const;

export function count(name: (typeof METRIC)[keyof typeof METRIC], value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** A refused request, counted with its reason (the error code) as a dimension. */
export function countRejected(reason: string): void {
  const metric = metrics.singleMetric();
  metric.addDimension('reason', reason);
  metric.addMetric(METRIC.rejected, MetricUnit.Count, 1);
}

/** One VAT register lookup, counted with its outcome (found, not-found, cached, limit, unavailable) as a dimension. */
export function countEnrichment(outcome: string): void {
  const metric = metrics.singleMetric();
  metric.addDimension('outcome', outcome);
  metric.addMetric(METRIC.enrichment, MetricUnit.Count, 1);
}
