import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startEventSourceMapping, type EventSourceMapping, type InvokeResult } from '../../emulators/sqs/event-source-mapping.ts';
import { startLocalSqs, type LocalSqs } from '../../emulators/sqs/index.ts';

/**
 * What serverless offline lacks for this service: SQS. Run by the offline plugin beside this file on
 * `serverless offline`, whatever the stage:
 * - with an SQS endpoint configured (`AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL`), it uses that server;
 *   without one, it starts the project's local SQS server (its queues kept in `.local-data/sqs.json`)
 *   and points the functions at it;
 * - it creates the stack's queues there as serverless.yml defines them (FIFO, redrive policy, visibility);
 * - it runs an event source mapping for every function with an `sqs` event, invoking the function
 *   through offline's own Lambda endpoint, so the worker runs with the environment offline gives it.
 */

type Log = { notice(text: string): void; warning(text: string): void; error(text: string): void };

/** The parts of the Serverless service this needs (as osls resolves it). */
export type ServerlessService = {
  servicePath: string;
  resources: Record<string, unknown> | undefined;
  functions: Record<string, { name?: string; events?: Array<Record<string, unknown>> }>;
  lambdaPort: number;
  region: string;
};

type QueueResource = { logicalId: string; properties: Record<string, unknown> };

export type OfflineQueues = { endpoint: string; stop(): Promise<void> };

export async function startOfflineQueues(service: ServerlessService, env: NodeJS.ProcessEnv, log: Log): Promise<OfflineQueues> {
  let server: LocalSqs | undefined;
  let endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  if (!endpoint) {
    server = await startLocalSqs({
      ...(env.SQS_PORT ? { port: Number(env.SQS_PORT) } : {}),
      dataFile: join(service.servicePath, '.local-data', 'sqs.json'),
      releaseInFlightOnStart: true,
    });
    endpoint = server.endpoint;
    // The functions (offline passes AWS_* on) and this process talk to it from now on.
    env.AWS_ENDPOINT_URL_SQS = endpoint;
    log.notice(`SQS: no AWS_ENDPOINT_URL_SQS set; the local SQS server runs on ${endpoint} (queues kept in .local-data/sqs.json)`);
  } else {
    log.notice(`SQS: queues and event sources on ${endpoint}`);
  }
  if (!hasAwsCredentials(env)) {
    // Nothing to sign with, and nothing real to reach: local servers accept any key. A configured
    // profile or key is left alone.
    env.AWS_ACCESS_KEY_ID = 'local';
    env.AWS_SECRET_ACCESS_KEY = 'local';
    log.notice('AWS: no credentials configured; the functions sign their local requests with placeholder keys');
  }
  const sqs = new SQSClient({ endpoint, region: service.region, maxAttempts: 3 });
  const queues = queueResources(service.resources);
  await createQueues(sqs, queues);

  const mappings: EventSourceMapping[] = [];
  for (const [key, fn] of Object.entries(service.functions)) {
    for (const event of fn.events ?? []) {
      const source = event.sqs as Record<string, unknown> | undefined;
      if (!source) continue;
      const queueName = queueNameOf(source.arn, queues);
      if (!queueName) {
        log.warning(`SQS: the sqs event of function ${key} names no queue this stack defines; it is not polled`);
        continue;
      }
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      const functionName = fn.name ?? key;
      mappings.push(startEventSourceMapping({
        sqs,
        queueUrl: QueueUrl!,
        ...(typeof source.batchSize === 'number' ? { batchSize: source.batchSize } : {}),
        ...(typeof source.maximumBatchingWindow === 'number' ? { maximumBatchingWindowSeconds: source.maximumBatchingWindow } : {}),
        ...(source.functionResponseType === 'ReportBatchItemFailures' ? { functionResponseType: 'ReportBatchItemFailures' as const } : {}),
        maximumConcurrency: Number(source.maximumConcurrency ?? 2),
        invoke: (sqsEvent) => invokeOffline(service.lambdaPort, functionName, sqsEvent),
        // Offline starts its Lambda endpoint after this plugin: receive nothing before it listens.
        untilReachable: () => untilListening(service.lambdaPort),
        onEvent(what) {
          if (what.type === 'poll-failed') log.warning(`SQS: polling ${queueName} failed: ${(what.error as Error)?.message ?? what.error}`);
        },
      }));
      log.notice(`SQS: ${queueName} → function ${key} (batch ${source.batchSize ?? 10}, ${source.maximumConcurrency ?? 2} at a time)`);
    }
  }
  return {
    endpoint,
    async stop() {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
      sqs.destroy();
      await server?.close();
    },
  };
}

/** Whether the SDK's default chain has anything to find: keys, a profile, shared files, or a container or web identity. */
function hasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return true;
  const home = env.HOME ?? homedir();
  return [env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'), env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')].some((file) => existsSync(file));
}

/** The stack's SQS queues, dead-letter targets first so a redrive policy can name them. */
export function queueResources(resources: Record<string, unknown> | undefined): QueueResource[] {
  const all = Object.entries((resources?.Resources ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>)
    .filter(([, resource]) => resource.Type === 'AWS::SQS::Queue')
    .map(([logicalId, resource]) => ({ logicalId, properties: resource.Properties ?? {} }));
  return [...all.filter((q) => !q.properties.RedrivePolicy), ...all.filter((q) => q.properties.RedrivePolicy)];
}

const ATTRIBUTES = ['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit', 'VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'MaximumMessageSize', 'ReceiveMessageWaitTimeSeconds'];

/** Creates each queue with its CloudFormation attributes (CreateQueue answers the existing one unchanged). */
async function createQueues(sqs: SQSClient, queues: QueueResource[]): Promise<void> {
  const arns = new Map<string, string>();
  for (const { logicalId, properties } of queues) {
    const name = String(properties.QueueName ?? logicalId);
    const attributes: Record<string, string> = {};
    for (const attribute of ATTRIBUTES) if (properties[attribute] !== undefined) attributes[attribute] = String(properties[attribute]);
    const redrive = properties.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
    if (redrive) {
      const target = logicalIdOf(redrive.deadLetterTargetArn);
      const arn = target ? arns.get(target) : typeof redrive.deadLetterTargetArn === 'string' ? redrive.deadLetterTargetArn : undefined;
      if (arn) attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: Number(redrive.maxReceiveCount) });
    }
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    arns.set(logicalId, Attributes?.QueueArn ?? '');
  }
}

/** `{ 'Fn::GetAtt': [Logical, Arn] }` → Logical. */
function logicalIdOf(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

function queueNameOf(arn: unknown, queues: QueueResource[]): string | undefined {
  const logicalId = logicalIdOf(arn);
  if (logicalId) {
    const queue = queues.find((q) => q.logicalId === logicalId);
    return queue ? String(queue.properties.QueueName ?? logicalId) : undefined;
  }
  return typeof arn === 'string' ? arn.split(':').at(-1) : undefined;
}

/** Resolves once something accepts connections on the port (checked every 200 ms). */
async function untilListening(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Invokes a function through serverless offline's Lambda endpoint (the Lambda Invoke API). */
async function invokeOffline(lambdaPort: number, functionName: string, event: SQSEvent): Promise<InvokeResult> {
  const response = await fetch(`http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
    body: JSON.stringify(event),
  });
  const text = await response.text();
  if (response.status === 404) throw new Error(`serverless offline knows no function ${functionName}`);
  let payload: unknown = text;
  try {
    payload = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: kept as text, which fails a batch-item-failures answer as Lambda would.
  }
  if (response.headers.get('x-amz-function-error') || response.status >= 400) {
    return { functionError: true, message: (payload as { errorMessage?: string } | undefined)?.errorMessage ?? `HTTP ${response.status}` };
  }
  return { functionError: false, payload };
}
