import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, PurgeQueueCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createConfigSources } from '../../lib/config/config-sources.ts';
import type { CsmartClient } from '../../lib/csmart/client.ts';
import { createLinkStore, type LinkStore } from '../../lib/delivery/link-store.ts';
import { createConfiguredClient } from '../../lib/setup/csmart-client.ts';
import { coldStart } from './functions.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { sqsEvent, sqsRecord } from '../../emulators/lambda/sqs-events.ts';
import { useLocalDynamo } from './local-dynamo.ts';
import { localSqsClient, startLocalSqs, type LocalSqs } from './local-sqs.ts';
import { startLocalSsm, type LocalSsm } from '../../emulators/ssm.ts';
import { expectLogLines } from './log-guard.ts';
import { registerSecret } from './log-scan.ts';
import { useSandbox } from './sandbox.ts';
import { modeFromEnv } from './sandbox-modes.ts';
import { startFakeVatRegister, type FakeVatRegister } from '../../sandbox/vat-register.ts';

export type StackOptions = { maxReceiveCount?: number; parameters?: Record<string, string>; env?: Record<string, string> };

export const QUEUE = 'csmart-connect-test-deliveries.fifo';
export const DLQ = 'csmart-connect-test-deliveries-dlq.fifo';
export const SSM_PREFIX = '/csmart/test/';

/**
 * The whole delivery pipeline on loopback, for a test file: the CSMART sandbox, a local SQS (FIFO queue
 * and DLQ with the template's redrive, on a clock the test moves), DynamoDB (dynalite, tables from
 * serverless.yml) and SSM. The real SDK talks to all of them through AWS_ENDPOINT_URL_*.
 */
export function useDeliveryStack(options: StackOptions = {}) {
  const sandbox = useSandbox();
  const dynamo = useLocalDynamo();
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  let clock = Date.now();
  let sqs: LocalSqs | undefined;
  let ssm: LocalSsm | undefined;
  let register: FakeVatRegister | undefined;
  let client: SQSClient | undefined;
  const saved = { ...process.env };
  // The pipeline logs: the log guard must see its lines, and look for every secret it is given.
  expectLogLines();
  for (const [name, value] of Object.entries(options.parameters ?? {})) if (/\/secrets\/|password/.test(name)) registerSecret(value);

  beforeAll(async () => {
    sqs = await startLocalSqs({ now: () => clock });
    ssm = await startLocalSsm(options.parameters ?? {});
    // The worker looks NIPs up in the VAT register: never the real one from a test.
    register = await startFakeVatRegister();
    // Both keep messages 14 days, as infra/queues.yml sets them (SQS's default is 4).
    const dlqUrl = sqs.createQueue(DLQ, { FifoQueue: 'true', MessageRetentionPeriod: '1209600' });
    const queueUrl = sqs.createQueue(QUEUE, {
      FifoQueue: 'true', VisibilityTimeout: '360', DeduplicationScope: 'messageGroup', MessageRetentionPeriod: '1209600',
      RedrivePolicy: { deadLetterTargetArn: sqs.queue(DLQ).arn, maxReceiveCount },
    });
    client = localSqsClient(sqs.endpoint);
    const { endpoint, domain, email, password } = sandbox.demoCredentials;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      AWS_MAX_ATTEMPTS: '1',
      CSMART_STAGE: 'test',
      CSMART_API_URL: endpoint,
      CSMART_DOMAIN: domain,
      CSMART_EMAIL: email,
      CSMART_PASSWORD: password,
      CSMART_QUEUE_URL: queueUrl,
      CSMART_DLQ_URL: dlqUrl,
      CSMART_LINK_TABLE: dynamo.tableName,
      CSMART_MAX_RECEIVE_COUNT: String(maxReceiveCount),
      CSMART_TIMEOUT_MS: '250',
      CSMART_VAT_REGISTER_URL: register.url,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      // Under SANDBOX_MODE the integration runs with the settings that adapt it to that mode.
      ...modeFromEnv()?.settings,
      ...options.env,
    });
    coldStart();
  });

  // Every test starts from empty queues and an empty link table (the sandbox resets itself).
  beforeEach(async () => {
    // Every test meets its functions cold: settings read again, new clients, no token, empty caches.
    coldStart();
    // Each test starts after the queue's five-minute dedupe window of the one before.
    clock += 6 * 60 * 1000;
    sqs?.failSends(false);
    register?.reset();
    for (const name of [QUEUE, DLQ]) await client?.send(new PurgeQueueCommand({ QueueUrl: sqs?.queue(name).url }));
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { Items = [] } = await dynamoClient.send(new ScanCommand({ TableName: dynamo.tableName }));
    for (const item of Items) await dynamoClient.send(new DeleteItemCommand({ TableName: dynamo.tableName, Key: { pk: item.pk! } }));
    dynamoClient.destroy();
  });

  afterAll(async () => {
    process.env = saved;
    coldStart();
    await sqs?.close();
    await ssm?.close();
    await register?.close();
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} runs only inside tests`);
    return value;
  };

  return {
    sandbox,
    dynamo,
    get sqs() { return need(sqs, 'the local SQS'); },
    get ssm() { return need(ssm, 'the local SSM'); },
    /** The fake VAT payers' register the worker asks (found, not found, limit, error, slow). */
    get register() { return need(register, 'the fake VAT register'); },
    /** The stack's SQS client (the local server). */
    get sqsClient() { return need(client, 'the local SQS'); },
    /** The link table as the worker sees it. */
    links(): LinkStore {
      return createLinkStore({ dynamo: new DynamoDBClient({}), tableName: dynamo.tableName });
    },
    /** A CSMART client configured as the functions' are, from the current environment. */
    csmartClient(): CsmartClient {
      const config = createConfigSources(process.env);
      return createConfiguredClient(config.settings, config.credentials);
    },
    queue: () => need(sqs, 'the local SQS').queue(QUEUE),
    dlq: () => need(sqs, 'the local SQS').queue(DLQ),
    /** Moves the queue's clock: hidden messages come back once their visibility timeout has passed. */
    advance(ms: number) { clock += ms; },
    /**
     * The event source mapping: receives up to 10 messages, invokes the worker with them as SQS hands
     * them to Lambda, and deletes those the worker did not report as failed. Returns the worker's answer.
     */
    async pump(worker: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>): Promise<{ received: number; failed: number }> {
      const messages = await this.receive();
      if (messages.length === 0) return { received: 0, failed: 0 };
      const { batchItemFailures } = await this.invoke(worker, messages);
      return { received: messages.length, failed: batchItemFailures.length };
    },
    /** Receives up to 10 messages of the delivery queue, with their system attributes, as the event source mapping does. */
    async receive(): Promise<Message[]> {
      const { Messages = [] } = await need(client, 'the local SQS').send(new ReceiveMessageCommand({
        QueueUrl: need(sqs, 'the local SQS').queue(QUEUE).url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], WaitTimeSeconds: 0,
      }));
      return Messages;
    },
    /** Invokes the worker with received messages as SQS hands them to Lambda, and deletes those it did not report as failed. */
    async invoke(worker: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>, messages: Message[]): Promise<SQSBatchResponse> {
      const sqsClient = need(client, 'the local SQS');
      const queue = need(sqs, 'the local SQS').queue(QUEUE);
      const response = await worker(sqsEvent(messages.map((m) => sqsRecord(m, queue.arn))), lambdaContext('worker'));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of messages) {
        if (!failed.has(m.MessageId ?? '')) await sqsClient.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle }));
      }
      return response;
    },
    /** Pumps until the queue is empty, moving the clock past each backoff; stops after `rounds`. */
    async drain(worker: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>, rounds = 100): Promise<number> {
      let pumps = 0;
      for (let i = 0; i < rounds; i++) {
        const { received } = await this.pump(worker);
        pumps++;
        if (received === 0) {
          if (need(sqs, 'the local SQS').queue(QUEUE).counts().total === 0) break;
          clock += 121 * 60 * 1000; // past the longest backoff (2 h)
        }
      }
      return pumps;
    },
  };
}
