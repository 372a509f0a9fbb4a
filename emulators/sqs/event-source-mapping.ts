import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/**
 * A local Lambda event source mapping for SQS: pollers receive batches from a queue and invoke a
 * function with the SQS event Lambda sends, then delete what the function did not report as failed.
 * As on AWS: a function error leaves the whole batch to come back after its visibility timeout; with
 * `ReportBatchItemFailures` only the reported messages stay (an answer naming an unknown message
 * fails the whole batch); `maximumConcurrency` pollers invoke at once; the batching window gathers
 * up to `batchSize` messages before invoking.
 */

export type InvokeResult = { functionError: false; payload: unknown } | { functionError: true; message: string };

export type EventSourceMappingOptions = {
  sqs: Pick<SQSClient, 'send'>;
  queueUrl: string;
  batchSize?: number;
  maximumBatchingWindowSeconds?: number;
  functionResponseType?: 'ReportBatchItemFailures';
  maximumConcurrency?: number;
  /** Runs the function; rejects only when it could not be reached (then the batch is handed back at once). */
  invoke(event: SQSEvent): Promise<InvokeResult>;
  /**
   * Resolves once the function can be invoked. Nothing is received before, nor after an unreachable
   * invocation until it resolves again, so a function that is still starting burns no receive counts.
   */
  untilReachable?(): Promise<void>;
  /** Told of each invocation's result and of polling problems (logs). */
  onEvent?(event: EventSourceEvent): void;
  /** How long one receive waits for messages (long polling), in seconds. */
  waitSeconds?: number;
};

export type EventSourceEvent =
  | { type: 'invoked'; messages: number; failed: number; functionError: boolean }
  | { type: 'unreachable'; messages: number; error: unknown }
  | { type: 'poll-failed'; error: unknown };

export type EventSourceMapping = { stop(): Promise<void> };

export function startEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const batchSize = options.batchSize ?? 10;
  const windowMs = (options.maximumBatchingWindowSeconds ?? 0) * 1000;
  const emit = options.onEvent ?? (() => {});
  let stopped = false;
  let arn: Promise<string> | undefined;
  const queueArn = () => (arn ??= options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn'] }))
    .then((answer) => answer.Attributes?.QueueArn ?? '')
    .catch((error: unknown) => {
      arn = undefined;
      throw error;
    }));

  async function receiveBatch(): Promise<Message[]> {
    const batch: Message[] = [];
    const deadline = Date.now() + windowMs;
    do {
      const { Messages = [] } = await options.sqs.send(new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, batchSize - batch.length),
        WaitTimeSeconds: batch.length === 0 ? options.waitSeconds ?? 1 : 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }));
      batch.push(...Messages);
      if (Messages.length === 0 && batch.length > 0) break;
    } while (!stopped && batch.length < batchSize && batch.length > 0 && Date.now() < deadline);
    return batch;
  }

  async function settle(messages: Message[], result: InvokeResult): Promise<void> {
    if (result.functionError) {
      // As on AWS: nothing is deleted; the batch returns after its visibility timeout.
      emit({ type: 'invoked', messages: messages.length, failed: messages.length, functionError: true });
      return;
    }
    const failedIds = failedItems(messages, result.payload, options.functionResponseType);
    const done = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
    if (done.length > 0) {
      await options.sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }));
    }
    emit({ type: 'invoked', messages: messages.length, failed: failedIds.size, functionError: false });
  }

  async function handBack(messages: Message[]): Promise<void> {
    await options.sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
    })).catch(() => undefined);
  }

  let reachable: Promise<void> | undefined;
  const untilReachable = () => (reachable ??= options.untilReachable?.() ?? Promise.resolve());

  async function poll(): Promise<void> {
    while (!stopped) {
      let messages: Message[] = [];
      try {
        await untilReachable();
        if (stopped) break;
        messages = await receiveBatch();
        if (messages.length === 0) continue;
        const event: SQSEvent = { Records: messages.map(toRecord) };
        const source = await queueArn();
        for (const record of event.Records) Object.assign(record, { eventSourceARN: source, awsRegion: source.split(':')[3] ?? '' });
        let result: InvokeResult;
        try {
          result = await options.invoke(event);
        } catch (error) {
          // The function could not be reached (not started yet, restarting): no attempt was made.
          emit({ type: 'unreachable', messages: messages.length, error });
          reachable = undefined;
          await handBack(messages);
          continue;
        }
        await settle(messages, result);
      } catch (error) {
        if (stopped) break;
        emit({ type: 'poll-failed', error });
        await delay(500);
      }
    }
  }

  const pollers = Array.from({ length: Math.max(1, options.maximumConcurrency ?? 1) }, () => poll());
  return {
    async stop() {
      stopped = true;
      await Promise.allSettled(pollers);
    },
  };
}

/** The ids the function reported as failed; any answer Lambda would not accept fails the whole batch. */
function failedItems(messages: Message[], payload: unknown, responseType: EventSourceMappingOptions['functionResponseType']): Set<string> {
  const all = new Set(messages.map((m) => m.MessageId ?? ''));
  if (responseType !== 'ReportBatchItemFailures') return new Set();
  if (payload === null || payload === undefined || payload === '') return new Set();
  const failures = (payload as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    ids.add(id);
  }
  return ids;
}

/** One SQS message as Lambda puts it in the event (attribute names in camelCase, list values empty); the queue's ARN and region are added by the caller. */
function toRecord(message: Message): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      stringListValues: [],
      binaryListValues: [],
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: message.Attributes as SQSRecord['attributes'],
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: '',
    awsRegion: '',
  };
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
