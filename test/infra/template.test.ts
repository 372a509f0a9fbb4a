import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmMetrics, whyNeverEmitted, widgetMetrics, type StackResources } from './metric-sources.ts';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

const run = promisify(execFile);
let dir: string;
let template: Template;
let artifacts: string[];

/** `osls package` as a deploy would run it: stage prod, dummy credentials, no endpoint overrides, no network. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csmart-package-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir,
    AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1',
    // A developer's local credentials must never reach a deployed template.
    CSMART_PASSWORD: 'local-secret-password', CSMART_DOMAIN: 'demo', CSMART_EMAIL: 'local@example.com',
    SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off',
  };
  await run('npx', ['osls', 'package', '--stage', 'prod', '--package', dir], { env, timeout: 180_000 });
  template = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  artifacts = await readdir(dir);
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const resource = (name: string) => {
  const found = template.Resources[name];
  if (!found) throw new Error(`no resource ${name}`);
  return found;
};
const statementsOf = (role: string): Statement[] =>
  resource(role).Properties.Policies.flatMap((p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement);
const actionsOf = (role: string) => statementsOf(role).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
const json = (value: unknown) => JSON.stringify(value);

describe('osls package', () => {
  it('packages one zip per function', () => {
    for (const fn of ['leads', 'webhooks', 'worker', 'export']) expect(artifacts).toContain(`${fn}.zip`);
  });

  it('runs every function on nodejs24.x with its own role', () => {
    for (const fn of ['Leads', 'Webhooks', 'Worker', 'Export']) {
      const props = resource(`${fn}LambdaFunction`).Properties;
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Role).toEqual({ 'Fn::GetAtt': [`${fn}Role`, 'Arn'] });
    }
  });

  it('bakes no local credentials into the deployed environment', () => {
    const text = json(template);
    expect(text).not.toContain('local-secret-password');
    expect(text).not.toContain('local@example.com');
    expect(resource('WorkerLambdaFunction').Properties.Environment.Variables).toMatchObject({ CSMART_PASSWORD: '', CSMART_RETRY_BASE_SECONDS: '60' });
  });

  it('has a FIFO delivery queue whose redrive moves failures to a FIFO DLQ after the worker\'s attempts', () => {
    const queue = resource('DeliveryQueue').Properties;
    expect(queue).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false });
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: 10 });
    expect(resource('DeadLetterQueue').Properties.FifoQueue).toBe(true);
    // The worker's own setting must agree with the queue, or its "last attempt" bookkeeping is wrong.
    expect(String(resource('WorkerLambdaFunction').Properties.Environment.Variables.CSMART_MAX_RECEIVE_COUNT)).toBe('10');
  });

  it('raises an alarm as soon as the DLQ is not empty', () => {
    const alarm = resource('DeadLetterQueueNotEmptyAlarm').Properties;
    expect(alarm).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(json(alarm.Dimensions)).toContain('DeadLetterQueue');
    expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('sends every alarm to the alarm topic, missing data breaching only for the export heartbeat', () => {
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([name]) => name).sort()).toEqual([
      'DeadLetterQueueNotEmptyAlarm', 'DeliveryQueueAgeAlarm', 'DeliveryRetryRateAlarm', 'ExportFailedAlarm', 'ExportHeartbeatAlarm', 'ExportNotInvokedAlarm',
      'RequestsNotAcceptedAlarm', 'VatRegisterLimitAlarm', 'VatRegisterUnavailableAlarm', 'WebhookSourceNotConfiguredAlarm', 'WorkerErrorsAlarm', 'WorkerMemoryAlarm',
    ]);
    for (const [name, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, name).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(alarm.Properties.TreatMissingData, name).toBe(name === 'ExportHeartbeatAlarm' ? 'breaching' : 'notBreaching');
    }
    expect(json(resource('WorkerErrorsAlarm').Properties.Dimensions)).toContain('csmart-connect-prod-worker');
  });

  it('keeps every queue encrypted, the DLQs for 14 days, and the delivery queue\'s visibility at six worker timeouts', () => {
    for (const name of ['DeliveryQueue', 'DeadLetterQueue', 'ExportDeadLetterQueue']) expect(resource(name).Properties.SqsManagedSseEnabled).toBe(true);
    for (const name of ['DeadLetterQueue', 'ExportDeadLetterQueue']) expect(resource(name).Properties.MessageRetentionPeriod).toBe(1209600);
    expect(resource('DeliveryQueue').Properties.VisibilityTimeout).toBe(6 * resource('WorkerLambdaFunction').Properties.Timeout);
  });

  it('caps the worker\'s concurrency and reports batch item failures', () => {
    const mapping = resource('WorkerEventSourceMappingSQSDeliveryQueue').Properties;
    expect(mapping.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.BatchSize).toBe(10);
  });

  it('uses no wildcard resource in any IAM statement', () => {
    for (const role of ['LeadsRole', 'WebhooksRole', 'WorkerRole', 'ExportRole', 'ExportSchedulerRole']) {
      for (const statement of statementsOf(role)) {
        // Only path wildcards under a named resource (a log group's streams, an SSM prefix) are allowed.
        expect(json(statement.Resource), `${role} ${statement.Sid}`).not.toMatch(/"\*"|:\*:|parameter\/\*/);
        expect(json(statement.Action)).not.toContain('*');
      }
    }
  });

  it('lets the lead function only enqueue and read its forms and the Turnstile secret', () => {
    expect(actionsOf('LeadsRole')).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage', 'ssm:GetParameters', 'ssm:GetParametersByPath']);
    const [logs, enqueue, ssm] = statementsOf('LeadsRole');
    expect(logs?.Resource).toEqual({ 'Fn::Sub': 'arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/csmart-connect-prod-leads:*' });
    expect(enqueue?.Resource).toEqual({ 'Fn::GetAtt': ['DeliveryQueue', 'Arn'] });
    expect(json(ssm?.Resource)).toBe(json([
      { 'Fn::Sub': 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/csmart/prod/forms/*' },
      { 'Fn::Sub': 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/csmart/prod/secrets/turnstile' },
    ]));
  });

  it('lets the webhook function only enqueue and read signing secrets and source settings', () => {
    expect(actionsOf('WebhooksRole')).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage', 'ssm:GetParameters', 'ssm:GetParametersByPath']);
    expect(json(statementsOf('WebhooksRole')[2]?.Resource)).toContain('parameter/csmart/prod/secrets/*');
  });

  // IAM evaluates GetParametersByPath against the path itself: allowing only `path/*` fails every listing.
  it.each([['LeadsRole', 'forms'], ['WebhooksRole', 'secrets']])('lets %s list its folder (%s): the path itself and what is under it, nothing else', (role, folder) => {
    const listing = statementsOf(role).filter((s) => [s.Action].flat().includes('ssm:GetParametersByPath'));
    expect(listing).toHaveLength(1);
    expect(json(listing[0]!.Resource)).toBe(json([
      { 'Fn::Sub': `arn:aws:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/csmart/prod/${folder}` },
      { 'Fn::Sub': `arn:aws:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/csmart/prod/${folder}/*` },
    ]));
  });

  it('lets the worker consume the queue, park in the DLQ, use the link table and read the credentials only', () => {
    expect(actionsOf('WorkerRole')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem',
      'logs:CreateLogStream', 'logs:PutLogEvents',
      'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage',
      'sqs:SendMessage', 'ssm:GetParameters',
    ]);
    const statements = statementsOf('WorkerRole');
    expect(statements.find((s) => s.Sid === 'DeadLetterPermanentFailures')?.Resource).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    expect(statements.find((s) => s.Sid === 'LinkTable')?.Resource).toEqual({ 'Fn::GetAtt': ['LinkTable', 'Arn'] });
    const credentials = json(statements.find((s) => s.Sid === 'Credentials')?.Resource);
    for (const name of ['domain', 'email', 'password', 'password-sha1']) expect(credentials).toContain(`parameter/csmart/prod/${name}"`);
    // Meta Lead Ads: the page access tokens the worker reads leads with, and nothing else under the prefix.
    expect(credentials).toContain('parameter/csmart/prod/meta/pages/*');
  });

  it('lets the export write snapshots to its bucket and events to its bus only', () => {
    const statements = statementsOf('ExportRole');
    expect(statements.find((s) => s.Sid === 'Snapshots')?.Resource).toEqual({ 'Fn::Sub': '${ExportBucket.Arn}/*' });
    expect(statements.find((s) => s.Sid === 'ChangeEvents')?.Resource).toEqual({ 'Fn::GetAtt': ['ChangeEventBus', 'Arn'] });
  });

  it('keeps the export bucket private, encrypted and pruned', () => {
    const bucket = resource('ExportBucket').Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.LifecycleConfiguration.Rules.length).toBeGreaterThan(0);
  });

  it('schedules the export at 02:00 CRM time with retries and a DLQ', () => {
    const schedule = resource('ExportSchedule').Properties;
    expect(schedule).toMatchObject({ ScheduleExpression: 'cron(0 2 * * ? *)', ScheduleExpressionTimezone: 'Europe/Warsaw' });
    expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 });
    expect(schedule.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['ExportDeadLetterQueue', 'Arn'] } });
  });

  it('throttles the HTTP API and routes the public paths', () => {
    expect(resource('HttpApiStage').Properties.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 });
    const routes = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey).sort();
    expect(routes).toEqual(['GET /webhooks/{source}', 'OPTIONS /leads', 'OPTIONS /leads/{form}', 'POST /leads', 'POST /leads/{form}', 'POST /webhooks/{source}']);
  });
});

describe('alarms that fire, and the dashboard', () => {
  const alarms = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  const stackResources = (): StackResources => {
    const of = (type: string, name: string) => new Map(Object.entries(template.Resources).filter(([, r]) => r.Type === type).map(([id, r]) => [id, String(r.Properties[name])]));
    return { queues: of('AWS::SQS::Queue', 'QueueName'), functions: of('AWS::Lambda::Function', 'FunctionName') };
  };
  /** The dashboard body with the pseudo parameters filled in, as CloudFormation would. */
  const dashboard = () => {
    const body = resource('Dashboard').Properties.DashboardBody['Fn::Sub'] as string;
    return JSON.parse(body.replaceAll('${AWS::Region}', 'eu-central-1').replaceAll('${AWS::AccountId}', '123456789012')) as { widgets: { type: string; properties: any }[] };
  };

  it('watches only metrics that some resource of the stack (or our code) publishes, with the dimensions it publishes them with', () => {
    const found = alarms().flatMap(([name, alarm]) => alarmMetrics(alarm.Properties).map((metric) => ({ name, metric })));
    expect(found.length).toBeGreaterThanOrEqual(alarms().length);
    for (const { name, metric } of found) expect({ name, metric: metric.name, why: whyNeverEmitted(metric, stackResources()) }).toEqual({ name, metric: metric.name, why: undefined });
  });

  it('gives the export an on-failure destination after two Lambda retries, and the export-failed alarm watches it', () => {
    const config = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && json(r.Properties.FunctionName) === json({ Ref: 'ExportLambdaFunction' }));
    expect(config?.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['ExportFailureQueue', 'Arn'] } } } });
    // Lambda sends to the destination with the function's own role.
    expect(statementsOf('ExportRole').find((s) => s.Sid === 'FailedRuns')).toMatchObject({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['ExportFailureQueue', 'Arn'] } });
    // The Scheduler's DLQ never sees a run that threw: the failure alarm must not watch only that.
    expect(resource('ExportFailedAlarm').Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ExportFailureQueue', 'QueueName'] } }]);
    expect(resource('ExportNotInvokedAlarm').Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ExportDeadLetterQueue', 'QueueName'] } }]);
  });

  it('fires the export heartbeat alarm when no export has finished for 26 hours, counting missing data as breaching', () => {
    const alarm = resource('ExportHeartbeatAlarm').Properties;
    expect(alarm).toMatchObject({ Namespace: 'CsmartConnect', MetricName: 'ExportSucceeded', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    expect(alarm.Period * alarm.EvaluationPeriods).toBe(26 * 3600);
    expect(alarm.DatapointsToAlarm).toBe(alarm.EvaluationPeriods);
    // CloudWatch allows at most 7 days of evaluation for periods of an hour or more (1 day below).
    expect(alarm.Period).toBeGreaterThanOrEqual(3600);
  });

  it('alarms on the delivery queue\'s oldest message, in minutes, with the configurable threshold (30 by default)', () => {
    const alarm = resource('DeliveryQueueAgeAlarm').Properties;
    const [age, minutes] = alarm.Metrics;
    expect(age.MetricStat.Metric).toEqual({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeliveryQueue', 'QueueName'] } }] });
    expect(minutes).toMatchObject({ Expression: 'age / 60', ReturnData: true });
    expect(alarm).toMatchObject({ Threshold: 30, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('takes other thresholds and the worker\'s memory as deploy parameters (--param), for the alarms and the dashboard alike', async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1',
      SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off',
    };
    const { stdout } = await run('npx', ['osls', 'print', '--stage', 'prod', '--param=queueAgeAlarmMinutes=15', '--param=retryRateAlarmPercent=20', '--param=workerMemory=512', '--param=workerMemoryAlarmPercent=70', '--format', 'json'], { env, timeout: 120_000 });
    const printed = JSON.parse(stdout) as { resources: { Resources: Record<string, Resource> }; functions: Record<string, { memorySize?: unknown }>; provider: { memorySize?: unknown } };
    const resources = printed.resources.Resources;
    // A --param arrives as text; CloudFormation reads numeric properties from text.
    expect([resources.DeliveryQueueAgeAlarm?.Properties.Threshold, resources.DeliveryRetryRateAlarm?.Properties.Threshold, resources.WorkerMemoryAlarm?.Properties.Threshold].map(Number)).toEqual([15, 20, 70]);
    expect(String(resources.WorkerMemoryAlarm?.Properties.AlarmDescription)).toContain('more than 70% of its 512 MB');
    expect(String(resources.DeliveryQueueAgeAlarm?.Properties.AlarmDescription)).toContain('more than 15 minutes');
    expect(resources.Dashboard?.Properties.DashboardBody['Fn::Sub']).toContain('"label": "alarm", "value": 15 }');
    // A CRM with more clients than 256 MB of directory holds gets a bigger worker, the other functions unchanged.
    expect([printed.functions.worker?.memorySize, printed.functions.leads?.memorySize ?? printed.provider.memorySize].map(Number)).toEqual([512, 256]);
  }, 150_000);

  it('gives the worker 256 MB unless told otherwise, and its errors alarm says what to do when that runs out', () => {
    expect(resource('WorkerLambdaFunction').Properties.MemorySize).toBe(256);
    // Before that: the memory the worker reports after reading the client list, against 80% of it.
    expect(resource('WorkerMemoryAlarm').Properties).toMatchObject({
      Namespace: 'CsmartConnect', MetricName: 'WorkerMemoryUsed', Dimensions: [{ Name: 'service', Value: 'csmart-connect' }],
      Statistic: 'Maximum', Threshold: 80, ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(resource('WorkerMemoryAlarm').Properties.AlarmDescription).toContain('--param="workerMemory=512"');
    expect(resource('WorkerErrorsAlarm').Properties.AlarmDescription).toContain('Runtime.OutOfMemory');
    expect(resource('WorkerErrorsAlarm').Properties.AlarmDescription).toContain('--param="workerMemory=512"');
  });

  // A crashed batch (timeout, out of memory) is offered again only after the queue's visibility timeout:
  // on a quiet queue a worker that keeps crashing errs once per timeout, never three 5-minute periods running.
  it('fires the worker errors alarm for a worker that crashes on every receive of a quiet queue', () => {
    const alarm = resource('WorkerErrorsAlarm').Properties;
    const visibility = resource('DeliveryQueue').Properties.VisibilityTimeout as number;
    const window = alarm.Period * alarm.EvaluationPeriods;
    const needed = alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods;
    // The datapoints it needs must fit into the window with one receive per visibility timeout.
    expect(Math.floor(window / visibility)).toBeGreaterThanOrEqual(needed - 1);
    expect(needed).toBeGreaterThanOrEqual(1);
    expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  // The CLI finds queues and the link table by CSMART_STAGE (default dev): each command an operator copies must name the stage.
  it('names the stage in every csmart command of an alarm description', () => {
    for (const [name, alarm] of alarms()) {
      const commands = String(alarm.Properties.AlarmDescription).match(/`[^`]*bin\/csmart [^`]*`/g) ?? [];
      for (const command of commands) expect({ name, command }).toEqual({ name, command: expect.stringMatching(/^`CSMART_STAGE=prod bin\/csmart /) });
    }
  });

  // The export runs up to 15 minutes; the AWS CLI stops waiting for an answer after 60 s (and sends the invoke again).
  it('runs the export by hand with a command that waits for its 15 minutes', () => {
    const invokes = alarms().flatMap(([, alarm]) => String(alarm.Properties.AlarmDescription).match(/`aws lambda invoke [^`]*`/g) ?? []);
    expect(invokes.length).toBeGreaterThan(0);
    for (const command of invokes) expect(command).toMatch(/--cli-read-timeout 0 |--invocation-type Event /);
  });

  it('alarms on the share of delivery attempts that are retried', () => {
    const alarm = resource('DeliveryRetryRateAlarm').Properties;
    expect(alarmMetrics(alarm).map((m) => m.name)).toEqual(['Retried', 'Delivered']);
    expect(alarm.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression).toMatch(/100 \* FILL\(retried, 0\) \/ \(FILL\(retried, 0\) \+ FILL\(delivered, 0\)\)/);
    expect(alarm).toMatchObject({ Threshold: 50, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
  });

  it('alarms when a supported webhook sender delivers to a source without a signing secret', () => {
    const alarm = resource('WebhookSourceNotConfiguredAlarm').Properties;
    expect(alarm).toMatchObject({ Namespace: 'CsmartConnect', MetricName: 'Rejected', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarm.Dimensions).toEqual([{ Name: 'service', Value: 'csmart-connect' }, { Name: 'reason', Value: 'source_not_configured' }]);
    expect(alarm.AlarmDescription).toContain('secrets/<source>');
  });

  // A 5xx answer means the lead or webhook was not accepted while Lambda's Errors stay 0 (the handler answered).
  it('alarms on the first request answered 5xx, for every 5xx code the code can answer with', () => {
    const alarm = resource('RequestsNotAcceptedAlarm').Properties;
    const watched = alarmMetrics(alarm).map((m) => {
      expect(m).toMatchObject({ namespace: 'CsmartConnect', name: 'ServerError', dimensions: { service: 'csmart-connect' } });
      return String(m.dimensions.code);
    });
    expect(alarm.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression).toBe(watched.map((id) => `FILL(${id}, 0)`).join(' + '));
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    expect(alarm.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map((m: { MetricStat: { Period: number; Stat: string } }) => [m.MetricStat.Period, m.MetricStat.Stat])).toEqual(watched.map(() => [300, 'Sum']));
    // Every 503 code a refusal is raised with in the sources, and our own 500 (internal); source_not_configured has its own alarm.
    const sources = ['lib', 'functions'].flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8'))).join('\n');
    const codes = [...sources.matchAll(/(?:RefusalError|super)\('unavailable', '([a-z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of new Set(['internal', ...codes])) {
      const own = code === 'source_not_configured' && json(resource('WebhookSourceNotConfiguredAlarm').Properties.Dimensions).includes('"source_not_configured"');
      expect({ code, alarmed: watched.includes(code) || own }).toEqual({ code, alarmed: true });
    }
    for (const fn of ['leads', 'webhooks']) expect(alarm.AlarmDescription).toContain(`/aws/lambda/csmart-connect-prod-${fn}`);
    expect(alarm.AlarmDescription).toMatch(/WooCommerce and Cal\.com never do/);
  });

  it('alarms when most VAT register lookups fail in 3 hours of 6, and on any lookup past the daily limit', () => {
    const unavailable = resource('VatRegisterUnavailableAlarm').Properties;
    const outcomes = alarmMetrics(unavailable).map((m) => {
      expect(m).toMatchObject({ namespace: 'CsmartConnect', name: 'Enrichment', dimensions: { service: 'csmart-connect' } });
      return m.dimensions.outcome;
    });
    // Every outcome the worker counts is a lookup: the share is of all of them.
    expect(outcomes.sort()).toEqual(['cached', 'found', 'limit', 'not-found', 'unavailable']);
    expect(unavailable.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression).toBe('IF(lookups > 0, 100 * FILL(unavailable, 0) / lookups, 0)');
    expect(unavailable).toMatchObject({ Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 6, DatapointsToAlarm: 3 });
    expect(unavailable.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).every((m: { MetricStat: { Period: number } }) => m.MetricStat.Period === 3600)).toBe(true);
    const limit = resource('VatRegisterLimitAlarm').Properties;
    expect(limit).toMatchObject({
      Namespace: 'CsmartConnect', MetricName: 'Enrichment', Dimensions: [{ Name: 'service', Value: 'csmart-connect' }, { Name: 'outcome', Value: 'limit' }],
      Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(limit.AlarmDescription).toContain('CSMART_VAT_REGISTER_DAILY_LIMIT');
    expect(unavailable.AlarmDescription).toContain('/aws/lambda/csmart-connect-prod-worker');
  });

  it('says in every alarm\'s description what to run', () => {
    for (const [name, alarm] of alarms()) {
      const description = String(alarm.Properties.AlarmDescription);
      expect({ name, length: description.length <= 1024 }).toEqual({ name, length: true });
      expect({ name, says: /Run `|run it again with `|Run CloudWatch Logs Insights|Logs Insights on \/aws\/lambda\/[^:]+: `fields /i.test(description) }).toEqual({ name, says: true });
      expect({ name, command: /`(CSMART_STAGE=\S+ )?bin\/csmart |`aws |`fields /.test(description) }).toEqual({ name, command: true });
    }
    expect(resource('DeadLetterQueueNotEmptyAlarm').Properties.AlarmDescription).toContain('bin/csmart dlq');
    expect(resource('DeliveryQueueAgeAlarm').Properties.AlarmDescription).toContain('bin/csmart status');
  });

  it('has a dashboard showing only published metrics, every alarm, and its URL as a stack output', () => {
    const widgets = dashboard().widgets;
    const series = widgets.flatMap(widgetMetrics);
    for (const metric of series) expect({ metric: metric.name, why: whyNeverEmitted(metric, stackResources()) }).toEqual({ metric: metric.name, why: undefined });
    const shown = new Set(series.map((m) => m.name));
    for (const name of ['Accepted', 'Rejected', 'Spam', 'Delivered', 'Retried', 'DeadLettered', 'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'Duration', 'ConcurrentExecutions', 'ExportRecords', 'ExportChanges']) {
      expect({ name, shown: shown.has(name) }).toEqual({ name, shown: true });
    }
    const alarmArns = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms as string[]);
    const names = alarms().map(([, alarm]) => String(alarm.Properties.AlarmName));
    expect(alarmArns.map((arn) => arn.split(':alarm:')[1]).sort()).toEqual(names.sort());
    expect(template.Outputs?.DashboardUrl).toEqual({
      Description: expect.any(String),
      Value: { 'Fn::Sub': 'https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}#dashboards/dashboard/${Dashboard}' },
    });
  });
});

describe('osls invoke local', () => {
  /** Runs a function's packaged bundle as `osls invoke local` does, on stage local with the local form settings. */
  async function invokeLocal(fn: string, event: unknown) {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(),
      AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1',
      // Absolute: invoke local runs the bundle from its build folder.
      CSMART_FORMS_FILE: resolve('config/local/forms.json'), CSMART_SECRETS_FILE: resolve('config/local/secrets.json'), POWERTOOLS_LOG_LEVEL: 'SILENT',
      SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off',
    };
    // Stale bundles in .esbuild/ would be run instead of the current code.
    await rm('.esbuild', { recursive: true, force: true });
    const { stdout } = await run('npx', ['osls', 'invoke', 'local', '--stage', 'local', '-f', fn, '-d', JSON.stringify(event)], { env, timeout: 180_000 });
    // The answer is printed last, pretty-printed; log and metric lines (one line each) come before it.
    const answer = stdout.slice(stdout.lastIndexOf('\n{\n') + 1);
    return JSON.parse(answer) as { statusCode: number; body: string };
  }

  it('runs the lead function\'s bundle: an invalid lead gets 422 naming the field', async () => {
    const answer = await invokeLocal('leads', {
      version: '2.0', routeKey: 'POST /leads', rawPath: '/leads', rawQueryString: '',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      requestContext: { http: { method: 'POST', path: '/leads', sourceIp: '127.0.0.1' } },
      body: JSON.stringify({ email: 'not-an-email' }), isBase64Encoded: false,
    });
    expect(answer.statusCode).toBe(422);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'email_invalid', field: 'email' });
  }, 200_000);
});

