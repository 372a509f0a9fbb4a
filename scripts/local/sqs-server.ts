import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-memory, SQS-compatible server on 127.0.0.1 for tests and local runs. It speaks what
 * `@aws-sdk/client-sqs` 3.1169 sends: AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Operation>`) with the
 * "query compatible" error header (`x-amzn-query-error: <code>;Sender`) the SDK uses to pick the
 * error class. Signatures are not checked. The clock is injectable so dedupe windows, visibility
 * timeouts and retention can be tested without waiting.
 */

export const LOCAL_SQS_REGION = 'eu-central-1';
export const LOCAL_SQS_ACCOUNT = '000000000000';

export const LOCAL_SQS_OPERATIONS = [
  'CreateQueue', 'GetQueueUrl', 'GetQueueAttributes', 'SetQueueAttributes', 'ListQueues', 'DeleteQueue',
  'SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch',
  'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'PurgeQueue',
] as const;
export type LocalSqsOperation = (typeof LOCAL_SQS_OPERATIONS)[number];

/** The window in which a repeated MessageDeduplicationId is accepted but not enqueued. */
export const FIFO_DEDUPE_WINDOW_MS = 5 * 60 * 1000;

const JSON_10 = 'application/x-amz-json-1.0';
const MAX_BATCH = 10;
const MAX_WAIT_SECONDS = 20;
const POLL_INTERVAL_MS = 20;
const SENDER_ID = 'AIDALOCALSQSSENDER0000';

/**
 * Error types as the SDK knows them: `__type` is the modelled name, `query` the code in the
 * `x-amzn-query-error` header (SQS's old query-protocol code, which the SDK maps back to the class).
 */
const SQS_FAULTS = {
  QueueDoesNotExist: { status: 400, query: 'AWS.SimpleQueueService.NonExistentQueue', sender: true },
  QueueNameExists: { status: 400, query: 'QueueAlreadyExists', sender: true },
  InvalidAttributeName: { status: 400, query: 'InvalidAttributeName', sender: true },
  InvalidAttributeValue: { status: 400, query: 'InvalidAttributeValue', sender: true },
  InvalidParameterValue: { status: 400, query: 'InvalidParameterValue', sender: true },
  MissingParameter: { status: 400, query: 'MissingParameter', sender: true },
  InvalidMessageContents: { status: 400, query: 'InvalidMessageContents', sender: true },
  ReceiptHandleIsInvalid: { status: 404, query: 'ReceiptHandleIsInvalid', sender: true },
  MessageNotInflight: { status: 400, query: 'AWS.SimpleQueueService.MessageNotInflight', sender: true },
  EmptyBatchRequest: { status: 400, query: 'AWS.SimpleQueueService.EmptyBatchRequest', sender: true },
  TooManyEntriesInBatchRequest: { status: 400, query: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', sender: true },
  BatchEntryIdsNotDistinct: { status: 400, query: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', sender: true },
  InvalidBatchEntryId: { status: 400, query: 'AWS.SimpleQueueService.InvalidBatchEntryId', sender: true },
  UnsupportedOperation: { status: 400, query: 'AWS.SimpleQueueService.UnsupportedOperation', sender: true },
  SerializationException: { status: 400, query: 'SerializationException', sender: true },
  ServiceUnavailable: { status: 500, query: 'ServiceUnavailable', sender: false },
  InternalError: { status: 500, query: 'InternalError', sender: false },
} as const;
export type LocalSqsFaultCode = keyof typeof SQS_FAULTS;

/** A failure answered to the client as an AWS JSON error. */
export class LocalSqsFault extends Error {
  override readonly name = 'LocalSqsFault';
  constructor(readonly code: LocalSqsFaultCode, message: string) {
    super(message);
  }
}

export type LocalSqsAttributeValue = {
  DataType: string;
  StringValue?: string;
  /** Base64, as on the wire. */
  BinaryValue?: string;
};

export type LocalSqsRedrivePolicy = { deadLetterTargetArn: string; maxReceiveCount: number };

/** Queue attributes as CreateQueue takes them; numbers, booleans and a RedrivePolicy object are accepted for convenience. */
export type LocalSqsQueueAttributes = {
  [name: string]: string | number | boolean | LocalSqsRedrivePolicy | undefined;
  RedrivePolicy?: string | LocalSqsRedrivePolicy;
};

export type LocalSqsMessageState = 'visible' | 'inFlight' | 'delayed';

/** A stored message as tests see it (a copy; changing it changes nothing). */
export type LocalSqsMessage = {
  messageId: string;
  body: string;
  state: LocalSqsMessageState;
  receiveCount: number;
  sentAt: number;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  messageAttributes: Record<string, LocalSqsAttributeValue>;
  /** Set on a message the server moved here from a source queue's redrive. */
  deadLetterSourceArn?: string;
};

export type LocalSqsCounts = { visible: number; inFlight: number; delayed: number; total: number };

export type LocalSqsQueue = {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  /** The queue's configured attributes (strings, as SQS keeps them). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Every stored message, oldest first, as of `now()`. */
  messages(): LocalSqsMessage[];
  visible(): LocalSqsMessage[];
  inFlight(): LocalSqsMessage[];
  counts(): LocalSqsCounts;
};

export type LocalSqsOptions = {
  /** Milliseconds since the epoch; default `Date.now`. Drives visibility, delays, dedupe and retention. */
  now?: () => number;
};

export type LocalSqs = {
  /** `http://127.0.0.1:<port>` — for `AWS_ENDPOINT_URL_SQS` or the client's `endpoint` option. */
  endpoint: string;
  region: string;
  accountId: string;
  /** Creates (or returns the existing) queue without a request; answers its URL. */
  createQueue(name: string, attributes?: LocalSqsQueueAttributes): string;
  /** The queue with this name or URL; throws when there is none. */
  queue(nameOrUrl: string): LocalSqsQueue;
  /** Live view of the queues by name. */
  queues: ReadonlyMap<string, LocalSqsQueue>;
  /** Requests received per operation, failed ones included. */
  calls: Record<LocalSqsOperation, number>;
  /**
   * Send outage: `true` fails every SendMessage/SendMessageBatch with a 500 ServiceUnavailable until
   * `false`; a number fails that many of the next send requests.
   */
  failSends(on: boolean | number): void;
  close(): Promise<void>;
};

/** The ARN the local server gives a queue of this name. */
export function localQueueArn(name: string): string {
  return `arn:aws:sqs:${LOCAL_SQS_REGION}:${LOCAL_SQS_ACCOUNT}:${name}`;
}

type StoredMessage = {
  id: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, LocalSqsAttributeValue>;
  md5OfAttributes: string | undefined;
  traceHeader: string | undefined;
  groupId: string | undefined;
  deduplicationId: string | undefined;
  sequenceNumber: string | undefined;
  sentAt: number;
  firstReceivedAt: number | undefined;
  receiveCount: number;
  visibleAt: number;
  receiptHandle: string | undefined;
  deadLetterSourceArn: string | undefined;
};

type Queue = {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  attributes: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  messages: StoredMessage[];
  dedupe: Map<string, { messageId: string; sequenceNumber: string | undefined; at: number }>;
};

type Json = Record<string, unknown>;

const DEFAULT_ATTRIBUTES: Record<string, string> = {
  VisibilityTimeout: '30',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};
const DEFAULT_FIFO_ATTRIBUTES: Record<string, string> = {
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};
const SETTABLE_ATTRIBUTES = new Set([
  'DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'Policy', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout',
  'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled',
  'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit',
]);
const COMPUTED_ATTRIBUTES = [
  'QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp',
] as const;
const SYSTEM_ATTRIBUTES = [
  'SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SequenceNumber',
  'MessageDeduplicationId', 'MessageGroupId', 'AWSTraceHeader', 'DeadLetterQueueSourceArn',
] as const;

/** Starts the server on 127.0.0.1, on an ephemeral port. */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const now = options.now ?? Date.now;
  const byName = new Map<string, Queue>();
  const views = new Map<string, LocalSqsQueue>();
  const calls = Object.fromEntries(LOCAL_SQS_OPERATIONS.map((op) => [op, 0])) as Record<LocalSqsOperation, number>;
  let failingSends: boolean | number = false;
  let sequence = 0n;
  let closing = false;
  let closed: Promise<void> | undefined;
  let endpoint = '';

  const urlOf = (name: string) => `${endpoint}/${LOCAL_SQS_ACCOUNT}/${name}`;

  function queueByUrl(url: unknown): Queue {
    if (typeof url !== 'string' || url === '') throw new LocalSqsFault('MissingParameter', 'The request must contain the parameter QueueUrl.');
    let name = url;
    try {
      name = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
    } catch {
      // A bare name is not a URL: look it up as is, so the error names what was sent.
    }
    const queue = byName.get(name);
    if (!queue) throw new LocalSqsFault('QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }

  function queueByArn(arn: string): Queue | undefined {
    return byName.get(arn.split(':').at(-1) ?? '');
  }

  function redriveOf(queue: Queue): LocalSqsRedrivePolicy | undefined {
    const raw = queue.attributes.RedrivePolicy;
    return raw ? (JSON.parse(raw) as LocalSqsRedrivePolicy) : undefined;
  }

  const seconds = (queue: Queue, name: string) => Number(queue.attributes[name] ?? DEFAULT_ATTRIBUTES[name] ?? 0);

  function stateOf(message: StoredMessage, at: number): LocalSqsMessageState {
    if (message.visibleAt <= at) return 'visible';
    return message.receiveCount > 0 ? 'inFlight' : 'delayed';
  }

  // Drops messages past the retention period and dedupe entries past their window.
  function sweep(queue: Queue): void {
    const at = now();
    const retentionMs = seconds(queue, 'MessageRetentionPeriod') * 1000;
    queue.messages = queue.messages.filter((m) => at - m.sentAt < retentionMs);
    for (const [key, entry] of queue.dedupe) if (at - entry.at >= FIFO_DEDUPE_WINDOW_MS) queue.dedupe.delete(key);
  }

  function counts(queue: Queue): LocalSqsCounts {
    sweep(queue);
    const at = now();
    const result = { visible: 0, inFlight: 0, delayed: 0, total: queue.messages.length };
    for (const m of queue.messages) result[stateOf(m, at)] += 1;
    return result;
  }

  function viewOf(queue: Queue): LocalSqsQueue {
    const list = () => {
      sweep(queue);
      const at = now();
      return queue.messages.map((m): LocalSqsMessage => ({
        messageId: m.id,
        body: m.body,
        state: stateOf(m, at),
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
        messageAttributes: structuredClone(m.attributes),
        ...(m.groupId !== undefined ? { groupId: m.groupId } : {}),
        ...(m.deduplicationId !== undefined ? { deduplicationId: m.deduplicationId } : {}),
        ...(m.sequenceNumber !== undefined ? { sequenceNumber: m.sequenceNumber } : {}),
        ...(m.deadLetterSourceArn !== undefined ? { deadLetterSourceArn: m.deadLetterSourceArn } : {}),
      }));
    };
    return {
      name: queue.name,
      url: queue.url,
      arn: queue.arn,
      fifo: queue.fifo,
      get attributes() {
        return { ...queue.attributes };
      },
      messages: list,
      visible: () => list().filter((m) => m.state === 'visible'),
      inFlight: () => list().filter((m) => m.state === 'inFlight'),
      counts: () => counts(queue),
    };
  }

  function validateAttributes(name: string, fifo: boolean, given: Record<string, string>): void {
    for (const [key, value] of Object.entries(given)) {
      if (!SETTABLE_ATTRIBUTES.has(key)) throw new LocalSqsFault('InvalidAttributeName', `Unknown Attribute ${key}.`);
      if (['DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout'].includes(key)
        && !/^\d+$/.test(value)) {
        throw new LocalSqsFault('InvalidAttributeValue', `Invalid value for the parameter ${key}.`);
      }
      if (['FifoQueue', 'ContentBasedDeduplication'].includes(key) && !fifo) {
        if (key === 'FifoQueue' && value === 'false') continue;
        throw new LocalSqsFault('InvalidAttributeName', `Unknown Attribute ${key}.`);
      }
    }
    const policy = given.RedrivePolicy;
    if (policy !== undefined && policy !== '') {
      let parsed: Partial<LocalSqsRedrivePolicy>;
      try {
        parsed = JSON.parse(policy) as Partial<LocalSqsRedrivePolicy>;
      } catch {
        throw new LocalSqsFault('InvalidAttributeValue', 'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.');
      }
      const count = Number(parsed.maxReceiveCount);
      if (typeof parsed.deadLetterTargetArn !== 'string' || !Number.isInteger(count) || count < 1 || count > 1000) {
        throw new LocalSqsFault('InvalidAttributeValue', 'Value for parameter RedrivePolicy is invalid. Reason: Redrive policy needs deadLetterTargetArn and maxReceiveCount between 1 and 1000.');
      }
      const target = queueByArn(parsed.deadLetterTargetArn);
      if (!target) throw new LocalSqsFault('InvalidParameterValue', `Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`);
      if (target.fifo !== fifo) throw new LocalSqsFault('InvalidParameterValue', `Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be the same type as the source queue.`);
      if (target.name === name) throw new LocalSqsFault('InvalidParameterValue', `Value ${policy} for parameter RedrivePolicy is invalid. Reason: A queue cannot be its own dead-letter queue.`);
      // Stored normalised, as SQS does: maxReceiveCount becomes a number.
      given.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: count });
    }
  }

  function createQueue(name: string, raw: LocalSqsQueueAttributes = {}): string {
    const given = normaliseAttributes(raw);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name.replace(/\.fifo$/, '')) || name.length > 80) {
      throw new LocalSqsFault('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const fifo = given.FifoQueue === 'true';
    if (fifo !== name.endsWith('.fifo')) {
      throw new LocalSqsFault('InvalidParameterValue', 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
    }
    validateAttributes(name, fifo, given);
    const existing = byName.get(name);
    if (existing) {
      // Same name, same attributes: SQS answers the existing URL; different attributes are a conflict.
      const conflict = Object.entries(given).some(([key, value]) => (existing.attributes[key] ?? '') !== value);
      if (conflict) throw new LocalSqsFault('QueueNameExists', `A queue already exists with the same name and a different value for attribute(s).`);
      return existing.url;
    }
    const at = now();
    const queue: Queue = {
      name,
      url: urlOf(name),
      arn: localQueueArn(name),
      fifo,
      attributes: { ...DEFAULT_ATTRIBUTES, ...(fifo ? DEFAULT_FIFO_ATTRIBUTES : {}), ...given },
      createdAt: at,
      modifiedAt: at,
      messages: [],
      dedupe: new Map(),
    };
    if (!fifo) delete queue.attributes.FifoQueue;
    byName.set(name, queue);
    views.set(name, viewOf(queue));
    return queue.url;
  }

  type SendEntry = {
    MessageBody?: unknown;
    DelaySeconds?: unknown;
    MessageAttributes?: unknown;
    MessageSystemAttributes?: unknown;
    MessageDeduplicationId?: unknown;
    MessageGroupId?: unknown;
  };

  function send(queue: Queue, entry: SendEntry) {
    const body = entry.MessageBody;
    if (typeof body !== 'string' || body === '') throw new LocalSqsFault('MissingParameter', 'The request must contain the parameter MessageBody.');
    // SQS accepts only XML characters: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
    if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(body)) {
      throw new LocalSqsFault('InvalidMessageContents', 'Invalid characters found.');
    }
    const attributes = parseMessageAttributes(entry.MessageAttributes);
    const size = Buffer.byteLength(body) + attributesSize(attributes);
    const maxSize = seconds(queue, 'MaximumMessageSize');
    if (size > maxSize) throw new LocalSqsFault('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`);
    const groupId = optionalString(entry.MessageGroupId, 'MessageGroupId');
    let deduplicationId = optionalString(entry.MessageDeduplicationId, 'MessageDeduplicationId');
    const delay = entry.DelaySeconds === undefined ? undefined : integer(entry.DelaySeconds, 'DelaySeconds', 0, 900);

    if (queue.fifo) {
      if (groupId === undefined) throw new LocalSqsFault('MissingParameter', 'The request must contain the parameter MessageGroupId.');
      if (delay !== undefined && delay !== 0) {
        throw new LocalSqsFault('InvalidParameterValue', `Value ${delay} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
      }
      if (deduplicationId === undefined) {
        if (queue.attributes.ContentBasedDeduplication !== 'true') {
          throw new LocalSqsFault('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
        }
        deduplicationId = createHash('sha256').update(body).digest('hex');
      }
    } else if (deduplicationId !== undefined) {
      throw new LocalSqsFault('InvalidParameterValue', 'The request include parameter MessageDeduplicationId that is not valid for this queue type');
    }

    sweep(queue);
    const at = now();
    const md5OfBody = md5Hex(body);
    const md5OfAttributes = Object.keys(attributes).length > 0 ? md5OfMessageAttributes(attributes) : undefined;
    const dedupeKey = queue.fifo
      ? (queue.attributes.DeduplicationScope === 'messageGroup' ? `${groupId}\u0000${deduplicationId}` : `${deduplicationId}`)
      : undefined;
    const duplicate = dedupeKey === undefined ? undefined : queue.dedupe.get(dedupeKey);
    if (duplicate) {
      // Accepted, not enqueued: the caller sees the first message's id, as from SQS.
      return { MessageId: duplicate.messageId, md5OfBody, md5OfAttributes, SequenceNumber: duplicate.sequenceNumber };
    }
    const id = randomUUID();
    const sequenceNumber = queue.fifo ? nextSequenceNumber() : undefined;
    queue.messages.push({
      id,
      body,
      md5OfBody,
      attributes,
      md5OfAttributes,
      traceHeader: traceHeaderOf(entry.MessageSystemAttributes),
      groupId,
      deduplicationId,
      sequenceNumber,
      sentAt: at,
      firstReceivedAt: undefined,
      receiveCount: 0,
      visibleAt: at + (delay ?? seconds(queue, 'DelaySeconds')) * 1000,
      receiptHandle: undefined,
      deadLetterSourceArn: undefined,
    });
    if (dedupeKey !== undefined) queue.dedupe.set(dedupeKey, { messageId: id, sequenceNumber, at });
    return { MessageId: id, md5OfBody, md5OfAttributes, SequenceNumber: sequenceNumber };
  }

  function nextSequenceNumber(): string {
    sequence += 1n;
    return sequence.toString().padStart(20, '0');
  }

  function sendReply(result: ReturnType<typeof send>) {
    return {
      MessageId: result.MessageId,
      MD5OfMessageBody: result.md5OfBody,
      ...(result.md5OfAttributes ? { MD5OfMessageAttributes: result.md5OfAttributes } : {}),
      ...(result.SequenceNumber ? { SequenceNumber: result.SequenceNumber } : {}),
    };
  }

  function moveToDeadLetter(queue: Queue, message: StoredMessage, target: Queue): void {
    queue.messages = queue.messages.filter((m) => m !== message);
    target.messages.push({
      ...message,
      // The receive count is kept, so a parked message shows how often it was tried.
      sequenceNumber: target.fifo ? nextSequenceNumber() : undefined,
      visibleAt: now(),
      receiptHandle: undefined,
      deadLetterSourceArn: queue.arn,
    });
  }

  /** One pass over the queue: picks what a ReceiveMessage may deliver now, redriving as SQS does. */
  function take(queue: Queue, max: number, visibilitySeconds: number): StoredMessage[] {
    sweep(queue);
    const at = now();
    const redrive = redriveOf(queue);
    const deadLetter = redrive ? queueByArn(redrive.deadLetterTargetArn) : undefined;
    const picked: StoredMessage[] = [];
    // FIFO: a group whose earlier message is in flight (or delayed) delivers nothing after it.
    const blocked = new Set<string>();
    for (const message of [...queue.messages]) {
      if (picked.length >= max) break;
      const group = queue.fifo ? message.groupId ?? '' : undefined;
      if (message.visibleAt > at) {
        if (group !== undefined) blocked.add(group);
        continue;
      }
      if (group !== undefined && blocked.has(group)) continue;
      if (redrive && deadLetter && message.receiveCount >= redrive.maxReceiveCount) {
        moveToDeadLetter(queue, message, deadLetter);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= at;
      message.visibleAt = at + visibilitySeconds * 1000;
      message.receiptHandle = encodeReceiptHandle(queue.name, message.id);
      picked.push(message);
    }
    return picked;
  }

  function receiveReply(queue: Queue, message: StoredMessage, systemNames: Set<string>, attributeFilter: string[]) {
    const system: Record<string, string | undefined> = {
      SenderId: SENDER_ID,
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: message.firstReceivedAt === undefined ? undefined : String(message.firstReceivedAt),
      SequenceNumber: message.sequenceNumber,
      MessageDeduplicationId: message.deduplicationId,
      MessageGroupId: message.groupId,
      AWSTraceHeader: message.traceHeader,
      DeadLetterQueueSourceArn: message.deadLetterSourceArn,
    };
    const wantAll = systemNames.has('All');
    const Attributes = Object.fromEntries(
      Object.entries(system).filter(([name, value]) => value !== undefined && (wantAll || systemNames.has(name))),
    ) as Record<string, string>;
    const MessageAttributes = Object.fromEntries(
      Object.entries(message.attributes).filter(([name]) => attributeFilter.some((pattern) => matchesAttributeName(pattern, name))),
    );
    const hasAttributes = Object.keys(MessageAttributes).length > 0;
    return {
      MessageId: message.id,
      ReceiptHandle: message.receiptHandle,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...(Object.keys(Attributes).length > 0 ? { Attributes } : {}),
      ...(hasAttributes ? { MD5OfMessageAttributes: md5OfMessageAttributes(MessageAttributes), MessageAttributes } : {}),
    };
  }

  function findByHandle(queue: Queue, handle: unknown): { message: StoredMessage | undefined; current: boolean } {
    if (typeof handle !== 'string' || handle === '') throw new LocalSqsFault('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
    const decoded = decodeReceiptHandle(handle);
    if (!decoded || decoded.queue !== queue.name) {
      throw new LocalSqsFault('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
    }
    const message = queue.messages.find((m) => m.id === decoded.messageId);
    return { message, current: message?.receiptHandle === handle };
  }

  function deleteMessage(queue: Queue, handle: unknown): void {
    const { message, current } = findByHandle(queue, handle);
    // A handle from an earlier receive succeeds without deleting, as SQS documents.
    if (message && current) queue.messages = queue.messages.filter((m) => m !== message);
  }

  function changeVisibility(queue: Queue, handle: unknown, timeout: unknown): void {
    const seconds = integer(timeout, 'VisibilityTimeout', 0, 43_200);
    const { message, current } = findByHandle(queue, handle);
    if (!message || !current) {
      throw new LocalSqsFault('InvalidParameterValue', `Value ${String(handle)} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`);
    }
    const at = now();
    if (message.visibleAt <= at) throw new LocalSqsFault('MessageNotInflight', 'The message referred to is not in flight.');
    message.visibleAt = at + seconds * 1000;
  }

  function queueAttributes(queue: Queue, names: string[]): Record<string, string> {
    const c = counts(queue);
    const computed: Record<(typeof COMPUTED_ATTRIBUTES)[number], string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(c.visible),
      ApproximateNumberOfMessagesNotVisible: String(c.inFlight),
      ApproximateNumberOfMessagesDelayed: String(c.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.modifiedAt / 1000)),
    };
    const all: Record<string, string> = { ...queue.attributes, ...computed };
    if (names.includes('All')) return all;
    const known = new Set([...SETTABLE_ATTRIBUTES, ...COMPUTED_ATTRIBUTES]);
    const result: Record<string, string> = {};
    for (const name of names) {
      if (!known.has(name)) throw new LocalSqsFault('InvalidAttributeName', `Unknown Attribute ${name}.`);
      const value = all[name];
      if (value !== undefined) result[name] = value;
    }
    return result;
  }

  function batch<E extends { Id?: unknown }, R>(entries: unknown, each: (entry: E) => R) {
    if (!Array.isArray(entries) || entries.length === 0) throw new LocalSqsFault('EmptyBatchRequest', 'There should be at least one entry in the request.');
    if (entries.length > MAX_BATCH) throw new LocalSqsFault('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH}. You have sent ${entries.length}.`);
    const ids = entries.map((entry: E) => entry.Id);
    for (const id of ids) {
      if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw new LocalSqsFault('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (new Set(ids).size !== ids.length) throw new LocalSqsFault('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
    const Successful: (R & { Id: string })[] = [];
    const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const entry of entries as E[]) {
      const Id = entry.Id as string;
      try {
        Successful.push({ ...each(entry), Id });
      } catch (error) {
        if (!(error instanceof LocalSqsFault)) throw error;
        Failed.push({ Id, SenderFault: SQS_FAULTS[error.code].sender, Code: error.code, Message: error.message });
      }
    }
    return { Successful, Failed };
  }

  function checkSendOutage(): void {
    const failing = failingSends === true || (typeof failingSends === 'number' && failingSends > 0);
    if (typeof failingSends === 'number' && failingSends > 0) failingSends -= 1;
    if (failing) throw new LocalSqsFault('ServiceUnavailable', 'The request has failed due to a temporary failure of the server (simulated outage).');
  }

  const handlers: Record<LocalSqsOperation, (body: Json) => unknown> = {
    CreateQueue(body) {
      const name = requiredString(body.QueueName, 'QueueName');
      return { QueueUrl: createQueue(name, (body.Attributes ?? {}) as LocalSqsQueueAttributes) };
    },
    GetQueueUrl(body) {
      const queue = byName.get(requiredString(body.QueueName, 'QueueName'));
      if (!queue) throw new LocalSqsFault('QueueDoesNotExist', 'The specified queue does not exist.');
      return { QueueUrl: queue.url };
    },
    GetQueueAttributes(body) {
      const queue = queueByUrl(body.QueueUrl);
      const names = Array.isArray(body.AttributeNames) ? body.AttributeNames.map(String) : [];
      const Attributes = queueAttributes(queue, names);
      return Object.keys(Attributes).length > 0 ? { Attributes } : {};
    },
    SetQueueAttributes(body) {
      const queue = queueByUrl(body.QueueUrl);
      const given = normaliseAttributes((body.Attributes ?? {}) as LocalSqsQueueAttributes);
      if (given.FifoQueue !== undefined) throw new LocalSqsFault('InvalidAttributeName', 'Unknown Attribute FifoQueue.');
      validateAttributes(queue.name, queue.fifo, given);
      Object.assign(queue.attributes, given);
      if (given.RedrivePolicy === '') delete queue.attributes.RedrivePolicy;
      queue.modifiedAt = now();
      return {};
    },
    ListQueues(body) {
      const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
      const max = typeof body.MaxResults === 'number' ? body.MaxResults : 1000;
      const QueueUrls = [...byName.values()].filter((q) => q.name.startsWith(prefix)).slice(0, max).map((q) => q.url);
      return QueueUrls.length > 0 ? { QueueUrls } : {};
    },
    DeleteQueue(body) {
      const queue = queueByUrl(body.QueueUrl);
      byName.delete(queue.name);
      views.delete(queue.name);
      return {};
    },
    SendMessage(body) {
      checkSendOutage();
      return sendReply(send(queueByUrl(body.QueueUrl), body));
    },
    SendMessageBatch(body) {
      checkSendOutage();
      const queue = queueByUrl(body.QueueUrl);
      return batch<SendEntry & { Id?: unknown }, ReturnType<typeof sendReply>>(body.Entries, (entry) => sendReply(send(queue, entry)));
    },
    async ReceiveMessage(body) {
      const queue = queueByUrl(body.QueueUrl);
      const max = body.MaxNumberOfMessages === undefined ? 1 : integer(body.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, MAX_BATCH);
      const visibility = body.VisibilityTimeout === undefined ? seconds(queue, 'VisibilityTimeout') : integer(body.VisibilityTimeout, 'VisibilityTimeout', 0, 43_200);
      const wait = body.WaitTimeSeconds === undefined
        ? seconds(queue, 'ReceiveMessageWaitTimeSeconds')
        : integer(body.WaitTimeSeconds, 'WaitTimeSeconds', 0, MAX_WAIT_SECONDS);
      const systemNames = new Set([...stringList(body.AttributeNames), ...stringList(body.MessageSystemAttributeNames)]);
      const attributeFilter = stringList(body.MessageAttributeNames);
      // Long polling on the real clock: look again every few milliseconds until something arrives.
      const deadline = Date.now() + wait * 1000;
      let picked = take(queue, max, visibility);
      while (picked.length === 0 && !closing && Date.now() < deadline && byName.get(queue.name) === queue) {
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
        picked = take(queue, max, visibility);
      }
      return picked.length > 0 ? { Messages: picked.map((m) => receiveReply(queue, m, systemNames, attributeFilter)) } : {};
    },
    DeleteMessage(body) {
      deleteMessage(queueByUrl(body.QueueUrl), body.ReceiptHandle);
      return {};
    },
    DeleteMessageBatch(body) {
      const queue = queueByUrl(body.QueueUrl);
      return batch<{ Id?: unknown; ReceiptHandle?: unknown }, object>(body.Entries, (entry) => {
        deleteMessage(queue, entry.ReceiptHandle);
        return {};
      });
    },
    ChangeMessageVisibility(body) {
      changeVisibility(queueByUrl(body.QueueUrl), body.ReceiptHandle, body.VisibilityTimeout);
      return {};
    },
    ChangeMessageVisibilityBatch(body) {
      const queue = queueByUrl(body.QueueUrl);
      return batch<{ Id?: unknown; ReceiptHandle?: unknown; VisibilityTimeout?: unknown }, object>(body.Entries, (entry) => {
        changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout);
        return {};
      });
    },
    PurgeQueue(body) {
      queueByUrl(body.QueueUrl).messages = [];
      return {};
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.startsWith('AmazonSQS.')) {
      // The query protocol (form-encoded `Action=`) is not spoken: the current SDK sends JSON only.
      return answerFault(res, new LocalSqsFault('UnsupportedOperation', 'Only the AWS JSON 1.0 protocol (X-Amz-Target: AmazonSQS.<Operation>) is supported.'));
    }
    const operation = target.slice('AmazonSQS.'.length);
    let body: Json;
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Json;
    } catch {
      return answerFault(res, new LocalSqsFault('SerializationException', 'Request body is not a JSON object.'));
    }
    if (!(LOCAL_SQS_OPERATIONS as readonly string[]).includes(operation)) {
      return answerFault(res, new LocalSqsFault('UnsupportedOperation', `Operation ${operation} is not supported by the local SQS server.`));
    }
    const op = operation as LocalSqsOperation;
    calls[op] += 1;
    try {
      answer(res, 200, await handlers[op](body));
    } catch (error) {
      if (error instanceof LocalSqsFault) return answerFault(res, error);
      throw error;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answerFault(res, new LocalSqsFault('InternalError', 'The local SQS server failed.')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    region: LOCAL_SQS_REGION,
    accountId: LOCAL_SQS_ACCOUNT,
    createQueue,
    queue(nameOrUrl) {
      const view = views.get(nameOrUrl) ?? views.get(nameOrUrl.split('/').at(-1) ?? '');
      if (!view) throw new Error(`No local queue ${nameOrUrl}`);
      return view;
    },
    queues: views,
    calls,
    failSends(on) {
      failingSends = on;
    },
    close() {
      // Idempotent, and it ends pending long polls rather than waiting for them.
      closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function normaliseAttributes(raw: LocalSqsQueueAttributes): Record<string, string> {
  if (typeof raw !== 'object' || raw === null) throw new LocalSqsFault('InvalidAttributeValue', 'Attributes must be a map.');
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    result[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return result;
}

function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new LocalSqsFault('MissingParameter', `The request must contain the parameter ${name}.`);
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 128 || !/^[\x21-\x7E]+$/.test(value)) {
    throw new LocalSqsFault('InvalidParameterValue', `Value ${String(value)} for parameter ${name} is invalid. Reason: It must be 1 to 128 printable ASCII characters.`);
  }
  return value;
}

function integer(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LocalSqsFault('InvalidParameterValue', `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}.`);
  }
  return n;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function matchesAttributeName(pattern: string, name: string): boolean {
  if (pattern === 'All' || pattern === '.*') return true;
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

function parseMessageAttributes(value: unknown): Record<string, LocalSqsAttributeValue> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new LocalSqsFault('InvalidParameterValue', 'MessageAttributes must be a map.');
  const entries = Object.entries(value as Record<string, Partial<LocalSqsAttributeValue>>);
  if (entries.length > 10) throw new LocalSqsFault('InvalidParameterValue', 'Number of message attributes [' + entries.length + '] exceeds the allowed maximum [10].');
  const result: Record<string, LocalSqsAttributeValue> = {};
  for (const [name, attribute] of entries) {
    const type = attribute?.DataType;
    if (typeof type !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw new LocalSqsFault('InvalidParameterValue', `The message attribute '${name}' has an invalid message attribute type.`);
    }
    const binary = type.startsWith('Binary');
    const present = binary ? typeof attribute.BinaryValue === 'string' : typeof attribute.StringValue === 'string';
    if (!present) throw new LocalSqsFault('InvalidParameterValue', `The message attribute '${name}' must contain a non-empty message attribute value.`);
    result[name] = binary ? { DataType: type, BinaryValue: attribute.BinaryValue! } : { DataType: type, StringValue: attribute.StringValue! };
  }
  return result;
}

function attributesSize(attributes: Record<string, LocalSqsAttributeValue>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue, 'base64').length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

function traceHeaderOf(value: unknown): string | undefined {
  const header = (value as { AWSTraceHeader?: { StringValue?: unknown } } | undefined)?.AWSTraceHeader?.StringValue;
  return typeof header === 'string' ? header : undefined;
}

function md5Hex(text: string | Buffer): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * SQS's MD5 of message attributes: names sorted; each name, data type and value length-prefixed
 * (4 bytes, big-endian) with a transport byte (1 string/number, 2 binary) before the value.
 */
export function md5OfMessageAttributes(attributes: Record<string, LocalSqsAttributeValue>): string {
  const parts: Buffer[] = [];
  const withLength = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      withLength(Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      withLength(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

// Receipt handles name the queue and message, plus a nonce so every receive gets a new one.
function encodeReceiptHandle(queue: string, messageId: string): string {
  return Buffer.from(`${queue}\n${messageId}\n${randomUUID()}`, 'utf8').toString('base64url');
}

function decodeReceiptHandle(handle: string): { queue: string; messageId: string } | undefined {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  return { queue: parts[0], messageId: parts[1] };
}

function answer(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': JSON_10,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(body);
}

function answerFault(res: ServerResponse, fault: LocalSqsFault): void {
  if (res.headersSent) return void res.end();
  const spec = SQS_FAULTS[fault.code];
  answer(res, spec.status, { __type: `com.amazonaws.sqs#${fault.code}`, message: fault.message }, {
    'x-amzn-query-error': `${spec.query};${spec.sender ? 'Sender' : 'Receiver'}`,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
