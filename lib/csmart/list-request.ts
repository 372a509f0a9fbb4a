import { CsmartTimeoutError, type CsmartError } from './errors.ts';
import type { RecordRenamer } from './field-names.ts';
import { redirectError, type CsmartTransport, type TransportAnswer } from './http-transport.ts';
import { ListRecordReader, CsmartListRefusedError, ordinaryListRecords, type ListEnvelope, type ListedRecord } from './list-stream.ts';
import type { CsmartRecord } from './modules.ts';

/** A List opened and read up to its first batch; `next` reads on, `close` gives up the rest. */
export type OpenList = {
  first: ListedRecord[] | undefined;
  next(): Promise<ListedRecord[] | undefined>;
  close(): Promise<void>;
};

export type ListRequest = {
  transport: CsmartTransport;
  url: string;
  /** The form-encoded request body (credentials and token included: never logged). */
  body: string;
  module: string;
  secrets: readonly string[];
  /** No byte (headers included) for this long fails the List. */
  idleTimeoutMs: number;
  /** The whole answer taking longer than this fails the List. */
  totalTimeoutMs: number;
  /** Turns CSMART's field names into ours on each parsed record (CSMART_FIELD_NAMES); the bytes stay CSMART's. */
  rename?: RecordRenamer;
  /** The error for a refusal CSMART wrote into the envelope (the client's classification). */
  refusal: (text: string, status: number) => CsmartError;
  /** The error for a failed connection (the client's classification). */
  networkError: (error: unknown) => CsmartError;
};

export const DEFAULT_LIST_TIMEOUT_MS = 600_000;

/** Answers up to this size (by their Content-Length) are read whole: the stream only pays off for big ones. */
const WHOLE_LIST_BYTES = 256 * 1024;

/** Why a List was aborted. */
class ListTimeout extends Error {
  readonly kind: 'idle' | 'total';
  constructor(kind: 'idle' | 'total') {
    super(`List ${kind} timeout`);
    this.kind = kind;
  }
}

/**
 * One List's clock: an idle timeout (no byte for idleTimeoutMs, headers included) and a generous total,
 * kept by one timer that fires after an idle stretch or at the deadline, whichever comes first. A class
 * with a module-level callback, not closures: a small List is the client's most frequent call.
 */
class ListClock {
  readonly controller = new AbortController();
  readonly deadline: number;
  readonly idleTimeoutMs: number;
  timer: ReturnType<typeof setTimeout>;
  /**
   * Whether the timer is set for the deadline (less than an idle stretch was left). The kind is decided when the
   * timer is set, not from the time when it fires: libuv counts whole milliseconds, so a timer can fire a
   * millisecond or two before its time by `performance.now()`, and a deadline then looked like an idle stretch.
   */
  atDeadline: boolean;
  constructor(idleTimeoutMs: number, totalTimeoutMs: number) {
    this.deadline = performance.now() + totalTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
    this.atDeadline = totalTimeoutMs <= idleTimeoutMs;
    this.timer = setTimeout(expireList, Math.min(idleTimeoutMs, totalTimeoutMs), this);
  }

  /** A byte arrived: the idle stretch starts again, never past the deadline. */
  touch(): void {
    if (this.atDeadline) return;
    const left = this.deadline - performance.now();
    if (left < this.idleTimeoutMs) {
      clearTimeout(this.timer);
      this.atDeadline = true;
      this.timer = setTimeout(expireList, Math.max(0, left), this);
    } else {
      this.timer.refresh();
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

function expireList(clock: ListClock): void {
  clock.controller.abort(new ListTimeout(clock.atDeadline ? 'total' : 'idle'));
}

/** The client's error for whatever failed a List: a refusal, a timeout, else a failed connection. */
function listFailure(options: ListRequest, clock: ListClock, error: unknown, status: number): CsmartError {
  clock.stop();
  if (error instanceof CsmartListRefusedError) return options.refusal(error.error, status);
  const reason: unknown = clock.controller.signal.reason;
  if (reason instanceof ListTimeout) {
    const { module, idleTimeoutMs, totalTimeoutMs } = options;
    const what = reason.kind === 'idle' ? `sent nothing for ${idleTimeoutMs} ms` : `did not finish within ${totalTimeoutMs} ms`;
    return new CsmartTimeoutError(`CSMART ${module}/List ${what}`, { module, action: 'List', cause: error });
  }
  return options.networkError(error);
}

/** Sends the List; resolves with its answer's headers. */
async function sendList(options: ListRequest, clock: ListClock): Promise<TransportAnswer> {
  let answer: TransportAnswer;
  try {
    answer = await options.transport({ url: options.url, body: options.body, signal: clock.controller.signal });
  } catch (error) {
    throw listFailure(options, clock, error, 0);
  }
  const moved = redirectError(answer, { module: options.module, action: 'List' });
  if (moved) {
    clock.stop();
    throw moved;
  }
  return answer;
}

/** A small answer (by its Content-Length): read in one go. */
function isSmall(answer: TransportAnswer): boolean {
  return answer.length !== undefined && answer.length <= WHOLE_LIST_BYTES;
}

async function readSmall(options: ListRequest, clock: ListClock, answer: TransportAnswer): Promise<Buffer> {
  try {
    return await answer.bytes();
  } catch (error) {
    throw listFailure(options, clock, error, answer.status);
  }
}

/** A whole small answer through the record reader (every shape and fault), records and envelope checked. */
async function readSmallByReader(options: ListRequest, clock: ListClock, status: number, body: Buffer): Promise<ListedRecord[]> {
  const records = new ListRecordReader({ module: options.module, status, secrets: options.secrets }, options.rename ? { rename: options.rename } : {});
  let batch: ListedRecord[];
  let envelope: ListEnvelope;
  try {
    batch = records.push(body);
    envelope = records.end();
  } catch (error) {
    throw listFailure(options, clock, error, status);
  }
  clock.stop();
  if (envelope.error !== '') throw options.refusal(envelope.error, status);
  return batch;
}

/**
 * Sends a List and reads its answer up to the first batch of records (or its end), so that the caller
 * can run everything that fails before any record is handed out inside its retries and re-login.
 * A small answer is read whole; a big one streams, record by record, under an idle and a total timeout.
 */
export async function openListRequest(options: ListRequest): Promise<OpenList> {
  const clock = new ListClock(options.idleTimeoutMs, options.totalTimeoutMs);
  const answer = await sendList(options, clock);
  if (isSmall(answer)) {
    const batch = await readSmallByReader(options, clock, answer.status, await readSmall(options, clock, answer));
    return { first: batch.length > 0 ? batch : undefined, next: async () => undefined, close: async () => {} };
  }
  return streamList(options, clock, answer);
}

/**
 * Sends a List and reads all its records (what `list` returns: no bytes kept). A small ordinary answer
 * is parsed by one `JSON.parse`; anything unusual in it, and every big answer, goes through the record
 * reader, so faults and their errors are the streamed List's.
 */
export async function readListRecords(options: ListRequest): Promise<CsmartRecord[]> {
  const clock = new ListClock(options.idleTimeoutMs, options.totalTimeoutMs);
  const answer = await sendList(options, clock);
  if (isSmall(answer)) {
    const body = await readSmall(options, clock, answer);
    const records = ordinaryListRecords(body, options.rename);
    if (records === undefined) return (await readSmallByReader(options, clock, answer.status, body)).map(recordOf);
    clock.stop();
    return records;
  }
  const open = await streamList(options, clock, answer);
  const records: CsmartRecord[] = [];
  try {
    for (let batch = open.first; batch !== undefined; batch = await open.next()) for (const listed of batch) records.push(listed.record);
  } finally {
    await open.close();
  }
  return records;
}

const recordOf = (listed: ListedRecord) => listed.record;

/**
 * Records per batch of a streamed List: few enough that a batch's parsed records do not outlive V8's
 * scavenges in numbers (see `ListRecordReader.read`), many enough that the await per batch costs nothing.
 */
const STREAMED_BATCH_RECORDS = 64;

/** A big answer read as it arrives, record by record, up to its first batch. */
async function streamList(options: ListRequest, clock: ListClock, answer: TransportAnswer): Promise<OpenList> {
  const { status } = answer;
  const records = new ListRecordReader({ module: options.module, status, secrets: options.secrets }, options.rename ? { rename: options.rename } : {});
  let finished = false;
  const close = async () => {
    clock.stop();
    // Stops reading a body we gave up on, so its socket is not left half-read.
    if (!finished) answer.cancel();
    finished = true;
  };
  const next = async (): Promise<ListedRecord[] | undefined> => {
    if (finished) return undefined;
    let envelope: ListEnvelope;
    try {
      for (;;) {
        const batch = records.read(STREAMED_BATCH_RECORDS);
        if (batch.length > 0) return batch;
        const piece = await answer.read();
        if (piece === undefined) {
          envelope = records.end();
          break;
        }
        clock.touch();
        records.feed(piece);
      }
    } catch (error) {
      await close();
      throw listFailure(options, clock, error, status);
    }
    finished = true;
    clock.stop();
    if (envelope.error !== '') throw options.refusal(envelope.error, status);
    return undefined;
  };
  const first = await next();
  return { first, next, close };
}
