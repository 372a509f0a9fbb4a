import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEventSourceMapping, type EventSourceMapping, type InvokeResult } from '../../emulators/sqs/event-source-mapping.ts';
import { localQueueArn, localSqsClient, startLocalSqs, type LocalSqs } from '../support/local-sqs.ts';

/*
 * The local event source mapping that `npm start` and serverless offline run: it must hand the worker
 * what Lambda hands it and settle the batch as Lambda does, or the local pipeline would prove nothing.
 */

let clock: number;
let sqs: LocalSqs;
let client: SQSClient;
let mapping: EventSourceMapping | undefined;
let url: string;

beforeEach(async () => {
  clock = Date.parse('2026-03-13T09:15:00.000Z');
  sqs = await startLocalSqs({ now: () => clock });
  client = localSqsClient(sqs.endpoint);
  sqs.createQueue('jobs-dlq.fifo', { FifoQueue: 'true' });
  url = sqs.createQueue('jobs.fifo', {
    FifoQueue: 'true', VisibilityTimeout: '60', RedrivePolicy: { deadLetterTargetArn: localQueueArn('jobs-dlq.fifo'), maxReceiveCount: 3 },
  });
});

afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
  client.destroy();
  await sqs.close();
});

const send = (body: string, group = body) =>
  client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body, MessageAttributes: { kind: { DataType: 'String', StringValue: 'lead' } } }));

const until = async (what: string, done: () => boolean) => {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

function start(invoke: (event: SQSEvent) => Promise<InvokeResult>, extra: { maximumConcurrency?: number; batchSize?: number; untilReachable?: () => Promise<void> } = {}) {
  mapping = startEventSourceMapping({ sqs: client, queueUrl: url, functionResponseType: 'ReportBatchItemFailures', waitSeconds: 0, ...extra, invoke });
}

describe('the local event source mapping', () => {
  it('invokes the function with SQS records as Lambda builds them, and deletes the batch it succeeded on', async () => {
    await send('a');
    await send('b');
    const events: SQSEvent[] = [];
    start(async (event) => {
      events.push(event);
      return { functionError: false, payload: { batchItemFailures: [] } };
    });

    await until('the queue to be empty', () => sqs.queue(url).counts().total === 0);

    const records = events.flatMap((e) => e.Records);
    expect(records.map((r) => r.body).sort()).toEqual(['a', 'b']);
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs', eventSourceARN: localQueueArn('jobs.fifo'), awsRegion: 'eu-central-1',
      attributes: { ApproximateReceiveCount: '1', MessageGroupId: expect.any(String), MessageDeduplicationId: expect.any(String) },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'lead', stringListValues: [], binaryListValues: [] } },
    });
    expect(records[0]?.receiptHandle).not.toBe('');
  });

  it('keeps only the records the function reported as failed, which come back after their visibility timeout', async () => {
    await send('good');
    await send('bad');
    const seen: string[] = [];
    start(async (event) => {
      seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      const failed = event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId }));
      return { functionError: false, payload: { batchItemFailures: failed } };
    });

    await until('both tried', () => seen.length === 2);
    await until('the good one deleted', () => sqs.queue(url).counts().total === 1);
    clock += 61_000;
    await until('the bad one tried again', () => seen.includes('bad#2'));

    expect(sqs.queue(url).messages().map((m) => m.body)).toEqual(['bad']);
  });

  it.each([
    ['a function error', (): InvokeResult => ({ functionError: true, message: 'boom' })],
    ['an answer naming a message not in the batch', (): InvokeResult => ({ functionError: false, payload: { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } })],
    ['an answer that is not a batch response', (): InvokeResult => ({ functionError: false, payload: { batchItemFailures: 'all' } })],
  ])('deletes nothing after %s: the whole batch waits for its visibility timeout', async (_case, answer) => {
    await send('a');
    let invocations = 0;
    start(async () => {
      invocations++;
      return answer();
    });

    await until('an invocation', () => invocations === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(invocations).toBe(1);
    expect(sqs.queue(url).counts()).toMatchObject({ total: 1, inFlight: 1 });
  });

  it('receives nothing while the function cannot be reached, hands back what it could not invoke, and delivers it once it can', async () => {
    await send('a');
    let listening = false;
    let attempts = 0;
    let delivered = 0;
    start(async () => {
      attempts++;
      if (attempts === 1) throw new Error('connect ECONNREFUSED 127.0.0.1:3002');
      delivered++;
      return { functionError: false, payload: null };
    }, { untilReachable: () => until('the function to listen', () => listening) });

    await new Promise((resolve) => setTimeout(resolve, 100));
    const beforeListening = sqs.queue(url).messages()[0]!.receiveCount;
    listening = true;
    await until('the queue to be empty', () => sqs.queue(url).counts().total === 0);

    expect(beforeListening).toBe(0);
    expect(attempts).toBe(2);
    expect(delivered).toBe(1);
  });

  it('runs at most maximumConcurrency invocations at once', async () => {
    for (const body of ['1', '2', '3', '4', '5', '6']) await send(body);
    let running = 0;
    let peak = 0;
    start(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running--;
      return { functionError: false, payload: { batchItemFailures: [] } };
    }, { maximumConcurrency: 2, batchSize: 1 });

    await until('the queue to be empty', () => sqs.queue(url).counts().total === 0);

    expect(peak).toBe(2);
  });
});
