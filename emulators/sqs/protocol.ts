import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The wire side of the local SQS server: what `@aws-sdk/client-sqs` sends and expects. AWS JSON 1.0
 * (`X-Amz-Target: AmazonSQS.<Operation>`), errors with the "query compatible" header
 * (`x-amzn-query-error: <code>;Sender`) the SDK uses to pick the error class, parameter checks,
 * message-attribute digests and receipt handles. No queue state lives here.
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

export const JSON_10 = 'application/x-amz-json-1.0';
export const MAX_BATCH = 10;
export const MAX_WAIT_SECONDS = 20;
export const POLL_INTERVAL_MS = 20;
export const SENDER_ID = 'AIDALOCALSQSSENDER0000';

/**
 * Error types as the SDK knows them: `__type` is the modelled name, `query` the code in the
 * `x-amzn-query-error` header (SQS's old query-protocol code, which the SDK maps back to the class).
 */
export const SQS_FAULTS = {
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

export type Json = Record<string, unknown>;

export function normaliseAttributes(raw: LocalSqsQueueAttributes): Record<string, string> {
  if (typeof raw !== 'object' || raw === null) throw new LocalSqsFault('InvalidAttributeValue', 'Attributes must be a map.');
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    result[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return result;
}

export function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new LocalSqsFault('MissingParameter', `The request must contain the parameter ${name}.`);
  return value;
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 128 || !/^[\x21-\x7E]+$/.test(value)) {
    throw new LocalSqsFault('InvalidParameterValue', `Value ${String(value)} for parameter ${name} is invalid. Reason: It must be 1 to 128 printable ASCII characters.`);
  }
  return value;
}

export function integer(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LocalSqsFault('InvalidParameterValue', `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}.`);
  }
  return n;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function matchesAttributeName(pattern: string, name: string): boolean {
  if (pattern === 'All' || pattern === '.*') return true;
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

export function parseMessageAttributes(value: unknown): Record<string, LocalSqsAttributeValue> {
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

export function attributesSize(attributes: Record<string, LocalSqsAttributeValue>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue, 'base64').length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

export function traceHeaderOf(value: unknown): string | undefined {
  const header = (value as { AWSTraceHeader?: { StringValue?: unknown } } | undefined)?.AWSTraceHeader?.StringValue;
  return typeof header === 'string' ? header : undefined;
}

export function md5Hex(text: string | Buffer): string {
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
export function encodeReceiptHandle(queue: string, messageId: string): string {
  return Buffer.from(`${queue}\n${messageId}\n${randomUUID()}`, 'utf8').toString('base64url');
}

export function decodeReceiptHandle(handle: string): { queue: string; messageId: string } | undefined {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  return { queue: parts[0], messageId: parts[1] };
}

export function answer(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': JSON_10,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(body);
}

export function answerFault(res: ServerResponse, fault: LocalSqsFault): void {
  if (res.headersSent) return void res.end();
  const spec = SQS_FAULTS[fault.code];
  answer(res, spec.status, { __type: `com.amazonaws.sqs#${fault.code}`, message: fault.message }, {
    'x-amzn-query-error': `${spec.query};${spec.sender ? 'Sender' : 'Receiver'}`,
  });
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
