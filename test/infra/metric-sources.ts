import { METRIC_DIMENSIONS, METRIC_SERVICE } from '../../lib/observability/metrics.ts';

/*
 * What each resource of the stack publishes to CloudWatch, so a test can refuse an alarm or a dashboard
 * widget that watches a metric nobody emits (a wrong name, a dimension set never published, a queue
 * or function that is not in the stack). AWS lists from the SQS and Lambda developer guides.
 */

/** AWS/SQS metrics, per queue (dimension QueueName). */
export const SQS_QUEUE_METRICS = [
  'ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesVisible', 'NumberOfEmptyReceives', 'NumberOfDeduplicatedSentMessages', 'NumberOfMessagesDeleted',
  'NumberOfMessagesReceived', 'NumberOfMessagesSent', 'SentMessageSize',
] as const;

/** AWS/Lambda metrics, per function (dimension FunctionName). */
export const LAMBDA_FUNCTION_METRICS = [
  'Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions', 'DeadLetterErrors', 'DestinationDeliveryFailures',
  'AsyncEventsReceived', 'AsyncEventAge', 'AsyncEventsDropped', 'IteratorAge', 'RecursiveInvocationsDropped',
] as const;

export type MetricRef = { namespace: string; name: string; dimensions: Record<string, unknown> };

/** What the template offers to resolve a dimension value: its queues and functions by logical id and by name. */
export type StackResources = { queues: Map<string, string>; functions: Map<string, string> };

/** Why a metric would never have data, or undefined when some resource of the stack publishes it. */
export function whyNeverEmitted(metric: MetricRef, stack: StackResources): string | undefined {
  const dims = Object.keys(metric.dimensions).sort();
  const { namespace, name } = metric;
  switch (namespace) {
    case 'AWS/SQS': {
      if (!(SQS_QUEUE_METRICS as readonly string[]).includes(name)) return `SQS publishes no metric ${name}`;
      if (dims.join() !== 'QueueName') return `SQS publishes ${name} per QueueName only, not per ${dims.join('+')}`;
      return resolves(metric.dimensions.QueueName, stack.queues, 'QueueName') ? undefined : `no queue of the stack is ${JSON.stringify(metric.dimensions.QueueName)}`;
    }
    case 'AWS/Lambda': {
      if (!(LAMBDA_FUNCTION_METRICS as readonly string[]).includes(name)) return `Lambda publishes no per-function metric ${name}`;
      if (dims.join() !== 'FunctionName') return `Lambda publishes ${name} per FunctionName, not per ${dims.join('+')}`;
      return resolves(metric.dimensions.FunctionName, stack.functions, 'FunctionName') ? undefined : `no function of the stack is ${JSON.stringify(metric.dimensions.FunctionName)}`;
    }
    case 'CsmartConnect': {
      const expected = (METRIC_DIMENSIONS as Record<string, readonly string[] | undefined>)[name];
      if (!expected) return `the code publishes no metric ${name}`;
      if (dims.join() !== [...expected].sort().join()) return `the code publishes ${name} with dimensions ${[...expected].sort().join('+')}, not ${dims.join('+')}`;
      if ('service' in metric.dimensions && metric.dimensions.service !== undefined && metric.dimensions.service !== '*' && metric.dimensions.service !== METRIC_SERVICE) {
        return `the code publishes service=${METRIC_SERVICE}, not ${String(metric.dimensions.service)}`;
      }
      return undefined;
    }
    default:
      return `nothing in the stack publishes to ${namespace}`;
  }
}

/** A literal name, or `Fn::GetAtt [LogicalId, attribute]` of a resource of the right kind. */
function resolves(value: unknown, byId: Map<string, string>, attribute: string): boolean {
  if (typeof value === 'string') return [...byId.values()].includes(value);
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === attribute && byId.has(getAtt[0]);
}

/** The metrics of an alarm: its single metric, or each MetricStat of its metric math. */
export function alarmMetrics(properties: Record<string, any>): MetricRef[] {
  const toDims = (list: { Name: string; Value: unknown }[] | undefined) => Object.fromEntries((list ?? []).map((d) => [d.Name, d.Value]));
  if (properties.MetricName) return [{ namespace: properties.Namespace, name: properties.MetricName, dimensions: toDims(properties.Dimensions) }];
  return (properties.Metrics ?? []).filter((m: any) => m.MetricStat).map((m: any) => ({
    namespace: m.MetricStat.Metric.Namespace, name: m.MetricStat.Metric.MetricName, dimensions: toDims(m.MetricStat.Metric.Dimensions),
  }));
}

/** The metrics of a dashboard widget: plain series, and the schema + MetricName of SEARCH expressions. */
export function widgetMetrics(widget: { type: string; properties: { metrics?: unknown[][] } }): MetricRef[] {
  if (widget.type !== 'metric') return [];
  return (widget.properties.metrics ?? []).flatMap((series): MetricRef[] => {
    const first = series[0];
    if (typeof first === 'object' && first !== null) {
      const expression = String((first as { expression?: string }).expression ?? '');
      const search = /SEARCH\('\{([^}]+)\}\s+MetricName="([^"]+)"/.exec(expression);
      if (!search) return [];
      const [namespace, ...dims] = search[1]!.split(',').map((s) => s.trim());
      return [{ namespace: namespace!, name: search[2]!, dimensions: Object.fromEntries(dims.map((d) => [d, '*'])) }];
    }
    const plain = series.filter((item) => typeof item === 'string') as string[];
    const [namespace, name, ...pairs] = plain;
    const dimensions: Record<string, string> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
    return [{ namespace: namespace!, name: name!, dimensions }];
  });
}
