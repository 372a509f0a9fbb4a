import { describe, expect, it } from 'vitest';
import { alarmMetrics, whyNeverEmitted, widgetMetrics } from './metric-sources.ts';

// The check the template tests run on every alarm and widget must itself refuse what it is meant to refuse.
const stack = {
  queues: new Map([['DeliveryQueue', 'app-prod-deliveries.fifo'], ['ExportFailureQueue', 'app-prod-export-failures']]),
  functions: new Map([['WorkerLambdaFunction', 'app-prod-worker']]),
};

describe('whether a watched metric is ever published', () => {
  it('accepts what the stack\'s queues, functions and code publish', () => {
    expect([
      whyNeverEmitted({ namespace: 'AWS/SQS', name: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: { 'Fn::GetAtt': ['DeliveryQueue', 'QueueName'] } } }, stack),
      whyNeverEmitted({ namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'app-prod-export-failures' } }, stack),
      whyNeverEmitted({ namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: 'app-prod-worker' } }, stack),
      whyNeverEmitted({ namespace: 'CsmartConnect', name: 'Retried', dimensions: { service: 'csmart-connect' } }, stack),
      whyNeverEmitted({ namespace: 'CsmartConnect', name: 'Rejected', dimensions: { service: '*', reason: '*' } }, stack),
    ]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it.each([
    ['a metric SQS does not have', { namespace: 'AWS/SQS', name: 'MessagesFailed', dimensions: { QueueName: 'app-prod-deliveries.fifo' } }],
    ['a queue outside the stack', { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'other-queue' } }],
    ['a GetAtt of something that is not a queue', { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'QueueName'] } } }],
    ['a Lambda metric on a queue dimension', { namespace: 'AWS/Lambda', name: 'Errors', dimensions: { QueueName: 'app-prod-deliveries.fifo' } }],
    ['a function outside the stack', { namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: 'app-prod-export' } }],
    ['a custom metric the code never publishes', { namespace: 'CsmartConnect', name: 'ExportFailed', dimensions: { service: 'csmart-connect' } }],
    ['a custom metric with dimensions it is not published with', { namespace: 'CsmartConnect', name: 'ExportSucceeded', dimensions: { FunctionName: 'app-prod-export' } }],
    ['a custom metric without its reason dimension', { namespace: 'CsmartConnect', name: 'Rejected', dimensions: { service: 'csmart-connect' } }],
    ['another service name', { namespace: 'CsmartConnect', name: 'Delivered', dimensions: { service: 'other' } }],
    ['a namespace nobody publishes to', { namespace: 'AWS/Scheduler', name: 'InvocationDroppedCount', dimensions: {} }],
  ])('refuses %s', (_what, metric) => {
    expect(whyNeverEmitted(metric, stack)).toEqual(expect.any(String));
  });

  it('reads single-metric alarms, metric-math alarms and dashboard series, SEARCH expressions included', () => {
    expect(alarmMetrics({ Namespace: 'AWS/SQS', MetricName: 'X', Dimensions: [{ Name: 'QueueName', Value: 'q' }] })).toEqual([{ namespace: 'AWS/SQS', name: 'X', dimensions: { QueueName: 'q' } }]);
    expect(alarmMetrics({ Metrics: [{ Id: 'a', MetricStat: { Metric: { Namespace: 'N', MetricName: 'M', Dimensions: [] } } }, { Id: 'b', Expression: 'a/60' }] }))
      .toEqual([{ namespace: 'N', name: 'M', dimensions: {} }]);
    expect(widgetMetrics({ type: 'metric', properties: { metrics: [
      ['AWS/Lambda', 'Duration', 'FunctionName', 'f', { stat: 'p95' }],
      [{ expression: 'SEARCH(\'{CsmartConnect,module,service} MetricName="ExportRecords"\', \'Sum\', 86400)' }],
      [{ expression: 'age / 60' }],
    ] } })).toEqual([
      { namespace: 'AWS/Lambda', name: 'Duration', dimensions: { FunctionName: 'f' } },
      { namespace: 'CsmartConnect', name: 'ExportRecords', dimensions: { module: '*', service: '*' } },
    ]);
  });
});
