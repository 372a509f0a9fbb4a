import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand,
  GetQueueUrlCommand, PurgeQueueCommand, QueueDoesNotExist, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
  SQSClient, TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localQueueArn, localSqsClient, md5OfMessageAttributes, startLocalSqs } from '../support/local-sqs.ts';
import type { LocalSqs } from '../support/local-sqs.ts';

const START = Date.parse('2026-03-13T09:15:00.000Z');

describe('local SQS server', () => {
  let clock: number;
  let sqs: LocalSqs;
  let client: SQSClient;

  beforeEach(async () => {
    clock = START;
    sqs = await startLocalSqs({ now: () => clock });
    client = localSqsClient(sqs.endpoint);
  });

  afterEach(async () => {
    client.destroy();
    await sqs.close();
  });

  const fifo = (name = 'jobs.fifo', attributes: Record<string, string> = {}) =>
    sqs.createQueue(name, { FifoQueue: 'true', ...attributes });
  const receive = (QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
    client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, ...extra })).then((r) => r.Messages ?? []);

  describe('queues', () => {
    it('creates a queue through the SDK and finds its URL by name', async () => {
      const created = await client.send(new CreateQueueCommand({ QueueName: 'leads' }));
      const found = await client.send(new GetQueueUrlCommand({ QueueName: 'leads' }));

      expect(created.QueueUrl).toBe(`${sqs.endpoint}/000000000000/leads`);
      expect(found.QueueUrl).toBe(created.QueueUrl);
      expect(sqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it('rejects a FIFO queue whose name lacks .fifo', async () => {
      const creating = client.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { FifoQueue: 'true' } }));

      await expect(creating).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    });

    it('answers QueueDoesNotExist as the SDK error class for an unknown queue', async () => {
      const sending = client.send(new SendMessageCommand({ QueueUrl: `${sqs.endpoint}/000000000000/nope`, MessageBody: 'x' }));

      await expect(sending).rejects.toBeInstanceOf(QueueDoesNotExist);
      await expect(sending).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 }, Code: 'AWS.SimpleQueueService.NonExistentQueue' });
    });

    it('reports visible and in-flight counts and the ARN', async () => {
      const url = sqs.createQueue('counts');
      for (const body of ['a', 'b', 'c']) await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      await receive(url, { MaxNumberOfMessages: 1 });

      const { Attributes } = await client.send(new GetQueueAttributesCommand({
        QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'],
      }));

      expect(Attributes).toEqual({ ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1', QueueArn: localQueueArn('counts') });
      expect(sqs.queue('counts').counts()).toEqual({ visible: 2, inFlight: 1, delayed: 0, total: 3 });
    });
  });

  describe('messages', () => {
    it('sends, receives and deletes a message with its attributes', async () => {
      const url = sqs.createQueue('plain');
      const sent = await client.send(new SendMessageCommand({
        QueueUrl: url, MessageBody: '{"zażółć":"gęślą"}', MessageAttributes: { source: { DataType: 'String', StringValue: 'calendly' } },
      }));

      const [message] = await receive(url, { MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'] });
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));

      expect(message).toMatchObject({
        MessageId: sent.MessageId,
        Body: '{"zażółć":"gęślą"}',
        Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(START) },
        MessageAttributes: { source: { DataType: 'String', StringValue: 'calendly' } },
      });
      expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
      expect(sqs.queue('plain').counts().total).toBe(0);
    });

    it('returns only the system and message attributes asked for', async () => {
      const url = fifo();
      await client.send(new SendMessageCommand({
        QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g1', MessageDeduplicationId: 'd1',
        MessageAttributes: { 'trace.id': { DataType: 'String', StringValue: 't' }, other: { DataType: 'Number', StringValue: '1' } },
      }));

      const [message] = await receive(url, { MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'], MessageAttributeNames: ['trace.*'] });

      expect(message?.Attributes).toEqual({ MessageGroupId: 'g1', MessageDeduplicationId: 'd1' });
      expect(Object.keys(message?.MessageAttributes ?? {})).toEqual(['trace.id']);
    });

    it('hides a received message for its visibility timeout, then offers it again', async () => {
      const url = sqs.createQueue('visibility', { VisibilityTimeout: 30 });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'retry me' }));
      const [first] = await receive(url);

      const hidden = await receive(url);
      clock += 31_000;
      const [again] = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'] });

      expect(hidden).toEqual([]);
      expect(again?.MessageId).toBe(first?.MessageId);
      expect(again?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
      expect(again?.Attributes).toEqual({ ApproximateReceiveCount: '2', ApproximateFirstReceiveTimestamp: String(START) });
    });

    it('does not delete a message with the receipt handle of an earlier receive', async () => {
      const url = sqs.createQueue('stale');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      const [first] = await receive(url, { VisibilityTimeout: 5 });
      clock += 6_000;
      await receive(url);

      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));

      expect(sqs.queue('stale').counts()).toMatchObject({ total: 1, inFlight: 1 });
    });

    it('offers a message again at once after ChangeMessageVisibility to 0', async () => {
      const url = sqs.createQueue('postpone');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      const [message] = await receive(url);

      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 }));

      expect(await receive(url)).toHaveLength(1);
    });

    it('waits briefly for a message when asked to long-poll', async () => {
      const url = sqs.createQueue('poll');
      setTimeout(() => void client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), 100);

      const messages = await receive(url, { WaitTimeSeconds: 2 });

      expect(messages.map((m) => m.Body)).toEqual(['late']);
    });

    it('ends a pending long poll when the server closes', async () => {
      const url = sqs.createQueue('poll');
      const started = Date.now();
      const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).catch(() => 'cut off');

      setTimeout(() => void sqs.close(), 100);
      await polling;

      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('empties a queue on PurgeQueue', async () => {
      const url = sqs.createQueue('purge');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));

      await client.send(new PurgeQueueCommand({ QueueUrl: url }));

      expect(sqs.queue(url).counts().total).toBe(0);
    });
  });

  describe('FIFO', () => {
    it('requires a MessageGroupId', async () => {
      const sending = client.send(new SendMessageCommand({ QueueUrl: fifo(), MessageBody: 'x', MessageDeduplicationId: 'd' }));

      await expect(sending).rejects.toMatchObject({ name: 'MissingParameter' });
    });

    it('accepts a repeated deduplication id with the first message id, without enqueuing it', async () => {
      const url = fifo();
      const send = () => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'order 7', MessageGroupId: 'g', MessageDeduplicationId: 'evt-7' }));

      const first = await send();
      const repeat = await send();

      expect(repeat.MessageId).toBe(first.MessageId);
      expect(sqs.queue(url).messages()).toHaveLength(1);
    });

    it('enqueues the same deduplication id again once the five-minute window has passed', async () => {
      const url = fifo();
      const send = () => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'order 7', MessageGroupId: 'g', MessageDeduplicationId: 'evt-7' }));
      const first = await send();

      clock += 5 * 60_000;
      const later = await send();

      expect(later.MessageId).not.toBe(first.MessageId);
      expect(sqs.queue(url).messages()).toHaveLength(2);
    });

    it('dedupes per message group when DeduplicationScope is messageGroup', async () => {
      const url = fifo('scoped.fifo', { DeduplicationScope: 'messageGroup' });
      const send = (group: string) => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: group, MessageGroupId: group, MessageDeduplicationId: 'same' }));

      await send('a');
      await send('b');
      await send('a');

      expect(sqs.queue(url).messages().map((m) => m.groupId)).toEqual(['a', 'b']);
    });

    it('delivers nothing more from a group while an earlier message of it is in flight', async () => {
      const url = fifo();
      const send = (body: string, group: string) => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body }));
      await send('a1', 'a');
      await send('a2', 'a');
      await send('b1', 'b');

      const [a1] = await receive(url, { MaxNumberOfMessages: 1 });
      const whileInFlight = await receive(url);
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a1?.ReceiptHandle }));
      const afterDelete = await receive(url);

      expect(a1?.Body).toBe('a1');
      expect(whileInFlight.map((m) => m.Body)).toEqual(['b1']);
      expect(afterDelete.map((m) => m.Body)).toEqual(['a2']);
    });

    it('locks a group while any of its messages is in flight, also one after a message made visible again', async () => {
      const url = fifo();
      const send = (body: string) => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g', MessageDeduplicationId: body }));
      await send('1');
      await send('2');
      const [first, second] = await receive(url, { VisibilityTimeout: 60 });
      // The first is handed back at once; the second is still being worked on.
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 0 }));

      const whileSecondInFlight = await receive(url);
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
      const afterDelete = await receive(url);

      expect([first?.Body, second?.Body]).toEqual(['1', '2']);
      expect(whileSecondInFlight).toEqual([]);
      expect(afterDelete.map((m) => m.Body)).toEqual(['1']);
    });

    it('hands a message whose visibility expired to a second consumer while the first still holds it, counting each receive', async () => {
      const url = fifo('jobs.fifo', { VisibilityTimeout: '30' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'job', MessageGroupId: 'g', MessageDeduplicationId: 'job' }));

      const [byFirst] = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
      clock += 29_000;
      const tooEarly = await receive(url);
      clock += 2_000;
      const [bySecond] = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
      // The first consumer finishes late: its handle is stale, so the message stays for the second.
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: byFirst?.ReceiptHandle }));
      const stillThere = sqs.queue(url).messages();
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: bySecond?.ReceiptHandle }));

      expect(byFirst?.Attributes?.ApproximateReceiveCount).toBe('1');
      expect(tooEarly).toEqual([]);
      expect(bySecond?.MessageId).toBe(byFirst?.MessageId);
      expect(bySecond?.ReceiptHandle).not.toBe(byFirst?.ReceiptHandle);
      expect(bySecond?.Attributes?.ApproximateReceiveCount).toBe('2');
      expect(stillThere).toHaveLength(1);
      expect(sqs.queue(url).messages()).toEqual([]);
    });

    it('delivers a group in order within one receive', async () => {
      const url = fifo();
      for (const body of ['1', '2', '3']) {
        await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g', MessageDeduplicationId: body }));
      }

      const messages = await receive(url, { MessageSystemAttributeNames: ['SequenceNumber'] });

      expect(messages.map((m) => m.Body)).toEqual(['1', '2', '3']);
      const sequence = messages.map((m) => BigInt(m.Attributes?.SequenceNumber ?? '0'));
      expect([...sequence].sort((x, y) => (x < y ? -1 : 1))).toEqual(sequence);
    });
  });

  describe('redrive', () => {
    it('moves a message to the dead-letter queue instead of delivering it past maxReceiveCount', async () => {
      const dlq = fifo('jobs-dlq.fifo');
      const url = fifo('jobs.fifo', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: localQueueArn('jobs-dlq.fifo'), maxReceiveCount: 2 }) });
      const sent = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison', MessageGroupId: 'g', MessageDeduplicationId: 'p' }));

      const tries: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        tries.push((await receive(url, { VisibilityTimeout: 10 })).length);
        clock += 11_000;
      }
      const [parked] = await receive(dlq, { MessageSystemAttributeNames: ['All'] });

      expect(tries).toEqual([1, 1, 0]);
      expect(parked).toMatchObject({ MessageId: sent.MessageId, Body: 'poison' });
      expect(parked?.Attributes).toMatchObject({ DeadLetterQueueSourceArn: localQueueArn('jobs.fifo'), MessageGroupId: 'g' });
      expect(sqs.queue(url).counts().total).toBe(0);
    });

    it('refuses a redrive policy whose dead-letter queue does not exist', async () => {
      const creating = client.send(new CreateQueueCommand({
        QueueName: 'orphan', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: localQueueArn('missing'), maxReceiveCount: 3 }) },
      }));

      await expect(creating).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    });
  });

  describe('batches', () => {
    it('sends a batch, reporting the entries that fail one by one', async () => {
      const url = fifo();

      const result = await client.send(new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'one', MessageBody: '1', MessageGroupId: 'g', MessageDeduplicationId: '1' },
          { Id: 'two', MessageBody: '2', MessageDeduplicationId: '2' },
          { Id: 'three', MessageBody: '3', MessageGroupId: 'g', MessageDeduplicationId: '3' },
        ],
      }));

      expect(result.Successful?.map((e) => e.Id)).toEqual(['one', 'three']);
      expect(result.Failed).toEqual([expect.objectContaining({ Id: 'two', SenderFault: true, Code: 'MissingParameter' })]);
      expect(sqs.queue(url).messages().map((m) => m.body)).toEqual(['1', '3']);
    });

    it('deletes a batch of received messages', async () => {
      const url = sqs.createQueue('plain');
      await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })) }));
      const messages = await receive(url);

      const result = await client.send(new DeleteMessageBatchCommand({
        QueueUrl: url, Entries: messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })),
      }));

      expect(result.Successful).toHaveLength(3);
      expect(sqs.queue(url).counts().total).toBe(0);
    });

    it('refuses more than ten entries', async () => {
      const url = sqs.createQueue('plain');
      const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));

      const sending = client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));

      await expect(sending).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    });
  });

  describe('outages and counters', () => {
    it('fails sends with a 500 ServiceUnavailable while failSends is on, and recovers', async () => {
      const url = sqs.createQueue('outage');
      sqs.failSends(true);

      const during = client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await expect(during).rejects.toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 500 } });
      const batchDuring = client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x' }] }));
      await expect(batchDuring).rejects.toMatchObject({ name: 'ServiceUnavailable' });
      sqs.failSends(false);
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'y' }));

      expect(sqs.queue(url).messages().map((m) => m.body)).toEqual(['y']);
    });

    it('fails only the next n sends when given a number', async () => {
      const url = sqs.createQueue('outage');
      sqs.failSends(1);

      const first = client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '1' }));
      await expect(first).rejects.toMatchObject({ name: 'ServiceUnavailable' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '2' }));

      expect(sqs.queue(url).messages().map((m) => m.body)).toEqual(['2']);
    });

    it('counts requests per operation, failed ones included', async () => {
      const url = sqs.createQueue('count');
      sqs.failSends(1);
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })).catch(() => undefined);
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await receive(url);

      expect(sqs.calls).toMatchObject({ SendMessage: 2, ReceiveMessage: 1, CreateQueue: 0 });
    });
  });

  describe('message attribute checksum', () => {
    it('matches the MD5 of message attributes SQS computes', () => {
      // Values published in other SQS emulators' tests, checked against SQS.
      expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
      expect(md5OfMessageAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' }, category: { DataType: 'String', StringValue: 'test' },
      })).toBe('d21ae90c49061e927f57df5f5d72be1f');
    });
  });

  describe('endpoint from the environment', () => {
    const saved: Record<string, string | undefined> = {};
    const names = ['AWS_ENDPOINT_URL_SQS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

    beforeEach(() => {
      for (const name of names) saved[name] = process.env[name];
    });

    afterEach(() => {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    it('is reached by a client configured only through AWS_ENDPOINT_URL_SQS', async () => {
      Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1' });
      const fromEnv = new SQSClient({ maxAttempts: 1 });

      const { QueueUrl } = await fromEnv.send(new CreateQueueCommand({ QueueName: 'from-env' }));
      await fromEnv.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
      fromEnv.destroy();

      expect(sqs.queue('from-env').messages().map((m) => m.body)).toEqual(['hello']);
    });
  });

  describe('a data file', () => {
    it('keeps queues, messages, receive counts, visibility and the dedupe window across a restart', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'local-sqs-'));
      const dataFile = join(dir, 'sqs.json');
      try {
        const first = await startLocalSqs({ now: () => clock, dataFile });
        const firstClient = localSqsClient(first.endpoint);
        const dlqUrl = first.createQueue('kept-dlq.fifo', { FifoQueue: 'true' });
        const url = first.createQueue('kept.fifo', { FifoQueue: 'true', RedrivePolicy: { deadLetterTargetArn: localQueueArn('kept-dlq.fifo'), maxReceiveCount: 5 } });
        for (const body of ['held', 'waiting']) {
          await firstClient.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: body, MessageDeduplicationId: body }));
        }
        await firstClient.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }));
        firstClient.destroy();
        await first.close();

        const second = await startLocalSqs({ now: () => clock, dataFile });
        const secondClient = localSqsClient(second.endpoint);
        const { QueueUrl } = await secondClient.send(new GetQueueUrlCommand({ QueueName: 'kept.fifo' }));
        const repeat = await secondClient.send(new SendMessageCommand({ QueueUrl, MessageBody: 'held', MessageGroupId: 'held', MessageDeduplicationId: 'held' }));
        const states = second.queue('kept.fifo').messages().map((m) => [m.body, m.state, m.receiveCount]);
        clock += 61_000;
        const later = (await secondClient.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages ?? [];
        secondClient.destroy();
        await second.close();

        expect(QueueUrl).toBe(`${second.endpoint}/000000000000/kept.fifo`);
        expect(states).toEqual([['held', 'inFlight', 1], ['waiting', 'visible', 0]]);
        expect(repeat.MessageId).toBe(second.queue('kept.fifo').messages()[0]?.messageId);
        expect(later.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['held', '2'], ['waiting', '1']]);
        expect(second.queue('kept.fifo').attributes.RedrivePolicy).toContain('kept-dlq.fifo');
        expect(dlqUrl).toContain('kept-dlq.fifo');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('offers what the consumers of the last run held at once when asked to (a local stack restarting)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'local-sqs-'));
      const dataFile = join(dir, 'sqs.json');
      try {
        const first = await startLocalSqs({ now: () => clock, dataFile });
        const firstClient = localSqsClient(first.endpoint);
        const url = first.createQueue('held.fifo', { FifoQueue: 'true' });
        await firstClient.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'held', MessageGroupId: 'g', MessageDeduplicationId: 'held' }));
        await firstClient.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 720 }));
        firstClient.destroy();
        await first.close();

        const second = await startLocalSqs({ now: () => clock, dataFile, releaseInFlightOnStart: true });
        const states = second.queue('held.fifo').messages().map((m) => [m.state, m.receiveCount]);
        await second.close();

        expect(states).toEqual([['visible', 1]]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
