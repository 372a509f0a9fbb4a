import { createHash, randomUUID } from 'node:crypto';
import {
  attributesSize, decodeReceiptHandle, encodeReceiptHandle, FIFO_DEDUPE_WINDOW_MS, integer, LOCAL_SQS_ACCOUNT, LOCAL_SQS_OPERATIONS,
  LOCAL_SQS_REGION, LocalSqsFault, MAX_BATCH, MAX_WAIT_SECONDS, matchesAttributeName, md5Hex, md5OfMessageAttributes,
  normaliseAttributes, optionalString, parseMessageAttributes, POLL_INTERVAL_MS, requiredString, SENDER_ID, SQS_FAULTS, stringList,
  traceHeaderOf, type Json, type LocalSqsAttributeValue, type LocalSqsOperation, type LocalSqsQueueAttributes, type LocalSqsRedrivePolicy,
} from './protocol.ts';

/**
 * The queues of the local SQS server and what each operation does to them, as SQS documents it:
 * FIFO groups locked while any of their messages is in flight, visibility timeouts that hand a
 * message to a second consumer when the first is too slow, receive counts, the five-minute
 * deduplication window, redrive to the dead-letter queue after `maxReceiveCount` receives. The clock
 * is injected, so windows and timeouts are tested without waiting. The whole state can be written
 * out and read back (`snapshot`/`restore`), so a local stack keeps its queues across restarts.
 */

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


/** Everything the store holds, as plain JSON (for the local stack's data file). */
export type LocalSqsSnapshot = {
  version: 1;
  sequence: string;
  queues: Array<Omit<Queue, 'url' | 'arn' | 'dedupe'> & { dedupe: Array<[string, { messageId: string; sequenceNumber: string | undefined; at: number }]> }>;
};

/** Operations that only read: they leave the state as it was. */
export const READ_ONLY_OPERATIONS: ReadonlySet<LocalSqsOperation> = new Set(['GetQueueUrl', 'GetQueueAttributes', 'ListQueues']);

export type QueueStore = ReturnType<typeof createQueueStore>;

export function createQueueStore(options: { now: () => number; urlOf: (name: string) => string }) {
  const now = options.now ?? Date.now;
  const byName = new Map<string, Queue>();
  const views = new Map<string, LocalSqsQueue>();
  const calls = Object.fromEntries(LOCAL_SQS_OPERATIONS.map((op) => [op, 0])) as Record<LocalSqsOperation, number>;
  let failingSends: boolean | number = false;
  let sequence = 0n;
  let closing = false;
  const urlOf = options.urlOf;

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
    // FIFO: a group with any message in flight is locked (SQS returns none of its messages, earlier or
    // later, until that one is deleted or visible again); a delayed message holds back those after it.
    const blocked = new Set<string>();
    if (queue.fifo) for (const m of queue.messages) if (m.receiveCount > 0 && m.visibleAt > at) blocked.add(m.groupId ?? '');
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

  function snapshot(): LocalSqsSnapshot {
    return {
      version: 1,
      sequence: sequence.toString(),
      queues: [...byName.values()].map(({ url: _url, arn: _arn, dedupe, ...queue }) => ({ ...queue, dedupe: [...dedupe.entries()] })),
    };
  }

  /**
   * Loads a snapshot. With `releaseInFlight`, messages received by the consumers of an earlier run (which
   * are gone with it) are visible again at once, instead of after the rest of their visibility timeout.
   */
  function restore(saved: LocalSqsSnapshot, releaseInFlight = false): void {
    byName.clear();
    views.clear();
    sequence = BigInt(saved.sequence);
    for (const { dedupe, ...stored } of saved.queues) {
      const queue: Queue = { ...stored, url: urlOf(stored.name), arn: localQueueArn(stored.name), dedupe: new Map(dedupe) };
      if (releaseInFlight) {
        const at = now();
        for (const message of queue.messages) {
          if (message.receiveCount > 0 && message.visibleAt > at) {
            message.visibleAt = at;
            message.receiptHandle = undefined;
          }
        }
      }
      byName.set(queue.name, queue);
      views.set(queue.name, viewOf(queue));
    }
  }

  return {
    createQueue,
    handlers,
    /** Live view of the queues by name. */
    views: views as ReadonlyMap<string, LocalSqsQueue>,
    calls,
    failSends(on: boolean | number) {
      failingSends = on;
    },
    /** Ends pending long polls. */
    close() {
      closing = true;
    },
    snapshot,
    restore,
  };
}
