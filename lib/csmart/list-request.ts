import { FORM_CONTENT_TYPE } from './form-encoding.ts';
import { CsmartTimeoutError, type CsmartError } from './errors.ts';
import type { RecordRenamer } from './field-names.ts';
import { ListRecordReader, CsmartListRefusedError, type ListEnvelope, type ListedRecord } from './list-stream.ts';

/** A List opened and read up to its first batch; `next` reads on, `close` gives up the rest. */
export type OpenList = {
  first: ListedRecord[] | undefined;
  next(): Promise<ListedRecord[] | undefined>;
  close(): Promise<void>;
};

export type ListRequest = {
  fetch: typeof fetch;
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
 * Node's fetch marks a connection idle again only on the event loop's next turn after the answer's
 * last byte was read; a request sent before that finds it busy and opens a second socket (measured:
 * 2 connections for 100 sequential calls; 1 after waiting a turn).
 */
export const connectionReleased = () => new Promise<void>((resolve) => setImmediate(resolve));

const emptyBody = () => new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });

/**
 * Sends a List and reads its answer up to the first batch of records (or its end), so that the caller
 * can run everything that fails before any record is handed out inside its retries and re-login.
 * A small answer is read whole; a big one streams, record by record, under an idle and a total timeout.
 */
export async function openListRequest(options: ListRequest): Promise<OpenList> {
  const { module, idleTimeoutMs, totalTimeoutMs } = options;
  const where = { module, action: 'List' as const };
  // Idle: no byte for idleTimeoutMs (headers included). Total: the whole answer, generous.
  const idle = new AbortController();
  // One timer for both: it fires after an idle stretch, or at the deadline, whichever comes first.
  const deadline = performance.now() + totalTimeoutMs;
  const expire = () => {
    const left = deadline - performance.now();
    idle.abort(new ListTimeout(left <= 1 ? 'total' : 'idle'));
  };
  let idleTimer = setTimeout(expire, Math.min(idleTimeoutMs, totalTimeoutMs));
  const stopTimers = () => clearTimeout(idleTimer);
  const fail = (error: unknown, status: number): CsmartError => {
    stopTimers();
    if (error instanceof CsmartListRefusedError) return options.refusal(error.error, status);
    const reason: unknown = idle.signal.reason;
    if (reason instanceof ListTimeout) {
      const what = reason.kind === 'idle' ? `sent nothing for ${idleTimeoutMs} ms` : `did not finish within ${totalTimeoutMs} ms`;
      return new CsmartTimeoutError(`CSMART ${module}/List ${what}`, { ...where, cause: error });
    }
    return options.networkError(error);
  };
  let response: Response;
  try {
    response = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE, accept: 'application/json' },
      body: options.body,
      signal: idle.signal,
    });
  } catch (error) {
    throw fail(error, 0);
  }
  const { status } = response;
  const records = new ListRecordReader({ module, status, secrets: options.secrets }, options.rename ? { rename: options.rename } : {});
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) <= WHOLE_LIST_BYTES) {
    // A small answer (most Lists): read in one go, the cheaper path of Node's fetch, through the same reader.
    let batch: ListedRecord[];
    let envelope: ListEnvelope;
    try {
      batch = records.push(new Uint8Array(await response.arrayBuffer()));
      envelope = records.end();
    } catch (error) {
      throw fail(error, status);
    }
    stopTimers();
    await connectionReleased();
    if (envelope.error !== '') throw options.refusal(envelope.error, status);
    return { first: batch.length > 0 ? batch : undefined, next: async () => undefined, close: async () => {} };
  }
  const body = response.body ?? emptyBody();
  // Read with the stream's own reader, not async iteration: one promise per chunk, no generator layers.
  const stream = body.getReader();
  let finished = false;
  const close = async () => {
    stopTimers();
    // Stops reading a body we gave up on, so its socket is not left half-read.
    if (!finished) await stream.cancel().catch(() => undefined);
    finished = true;
  };
  const next = async (): Promise<ListedRecord[] | undefined> => {
    if (finished) return undefined;
    let envelope: ListEnvelope;
    try {
      for (;;) {
        const read = await stream.read();
        if (read.done) {
          envelope = records.end();
          break;
        }
        const left = deadline - performance.now();
        if (left < idleTimeoutMs) {
          clearTimeout(idleTimer);
          idleTimer = setTimeout(expire, Math.max(0, left));
        } else {
          idleTimer.refresh();
        }
        const batch = records.push(read.value);
        if (batch.length > 0) return batch;
      }
    } catch (error) {
      await close();
      throw fail(error, status);
    }
    finished = true;
    stopTimers();
    await connectionReleased();
    if (envelope.error !== '') throw options.refusal(envelope.error, status);
    return undefined;
  };
  const first = await next();
  return { first, next, close };
}
