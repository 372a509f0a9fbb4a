import type { Agent, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { CsmartConfigError } from './errors.ts';
import { FORM_CONTENT_TYPE } from './form-encoding.ts';

/** One form-encoded POST to CSMART. */
export type TransportRequest = {
  url: string;
  /** The form-encoded body (credentials and token included: never logged). */
  body: string;
  /** Aborting it fails the request, or the reading of its answer, with an `AbortError`. */
  signal: AbortSignal;
};

/** An answer whose headers have arrived; its body is read once, whole or piece by piece. */
export type TransportAnswer = {
  status: number;
  /** The body's length in bytes, when the server declared it and did not compress the body. */
  length: number | undefined;
  /** Where a redirect points (its `Location`). */
  location: string | undefined;
  /** The whole body (decompressed). */
  bytes(): Promise<Buffer>;
  /** The next piece of the body (decompressed), `undefined` at its end. */
  read(): Promise<Uint8Array | undefined>;
  /** Gives up the rest of the body: its connection is closed, not reused. */
  cancel(): void;
};

/** How the client sends a request: node:http(s) by default (`createHttpTransport`); a test may wrap it. */
export type CsmartTransport = (request: TransportRequest) => Promise<TransportAnswer>;

/** Idle keep-alive connections are closed after this long (or sooner, when the server says so): as Node's fetch does. */
const IDLE_CONNECTION_MS = 4_000;

type Target = { secure: boolean; hostname: string; port: string; path: string };

/**
 * CSMART's requests over node:http and node:https with a keep-alive pool per protocol. Chosen over the
 * built-in fetch by measurement (bench/client): a call costs about half the CPU of a bare fetch, the first
 * call of a process is tens of milliseconds sooner (no undici, no WebAssembly HTTP parser), and a socket is
 * free again as soon as the answer's last byte is read, so sequential calls share one connection without
 * waiting a turn of the event loop. Like fetch it asks for compressed answers and decompresses them.
 */
export function createHttpTransport(): CsmartTransport {
  const agents = new Map<boolean, Agent>();
  // A client talks to one or two URLs per module and action: each is parsed once.
  const targets = new Map<string, Target>();

  return (request) => {
    let target = targets.get(request.url);
    if (target === undefined) {
      const url = new URL(request.url);
      // `new URL('http://[::1]/').hostname` keeps the brackets; a socket wants the bare address.
      target = { secure: url.protocol === 'https:', hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port, path: `${url.pathname}${url.search}` };
      targets.set(request.url, target);
    }
    const { secure, hostname, port, path } = target;
    // Loaded on first use, synchronously: a process that never calls CSMART never loads them.
    const http = secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
    let agent = agents.get(secure);
    if (agent === undefined) agents.set(secure, (agent = new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS })));
    const payload = Buffer.from(request.body, 'utf8');
    return new Promise<TransportAnswer>((resolve, reject) => {
      const outgoing = http.request({
        hostname, port: port || undefined, path, method: 'POST', agent, signal: request.signal,
        headers: {
          'content-type': FORM_CONTENT_TYPE, 'content-length': payload.length, accept: 'application/json', 'accept-encoding': 'gzip, deflate, br',
        },
      }, (incoming) => resolve(answerOf(incoming, request.signal)));
      // After the answer began, its body's reader sees the failure (this listener only keeps it from being unhandled).
      outgoing.on('error', (error) => reject(failureOf(error, request.signal)));
      outgoing.end(payload);
    });
  };
}

/** As fetch fails: with the signal's reason once it was aborted, else with the error itself. */
function failureOf(error: unknown, signal: AbortSignal): unknown {
  return signal.aborted ? signal.reason : error;
}

/** The answer over an incoming message, its body decompressed when the server compressed it. */
function answerOf(incoming: IncomingMessage, signal: AbortSignal): TransportAnswer {
  const encoding = incoming.headers['content-encoding']?.trim().toLowerCase();
  const body = decoded(incoming, encoding);
  const declared = incoming.headers['content-length'];
  let pieces: AsyncIterator<Uint8Array> | undefined;
  return {
    status: incoming.statusCode ?? 0,
    location: incoming.headers.location,
    length: body === incoming && declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined,
    bytes: () => new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      body.on('data', (chunk: Buffer) => chunks.push(chunk));
      body.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      body.once('error', (error) => reject(failureOf(error, signal)));
    }),
    async read() {
      pieces ??= body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      try {
        const next = await pieces.next();
        return next.done ? undefined : next.value;
      } catch (error) {
        throw failureOf(error, signal);
      }
    },
    cancel() {
      incoming.destroy();
      if (body !== incoming) body.destroy();
    },
  };
}

/** The body as it was before the server compressed it (gzip, deflate or Brotli, as fetch accepts them). */
function decoded(incoming: IncomingMessage, encoding: string | undefined): Readable {
  if (encoding === undefined || encoding === '' || encoding === 'identity') return incoming;
  const zlib = process.getBuiltinModule('node:zlib');
  const stream = process.getBuiltinModule('node:stream');
  // Flushing as fetch does: a body cut short after a complete block still yields what arrived before the error.
  const decoder = encoding === 'br' ? zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH })
    : encoding === 'deflate' ? zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
      : encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
        : undefined;
  // An encoding we did not ask for: handed on as it came (the reply's parser then says it is not JSON).
  if (decoder === undefined) return incoming;
  return stream.pipeline(incoming, decoder, () => {});
}

/**
 * A redirect answered instead of the call: the endpoint is not CSMART's `api.php` any more (http:// moved to
 * https://, a new host). It is not followed: a POST redirected by 301, 302 or 303 loses its body (the
 * credentials) on the way, as fetch would send it. A setting to fix, not a failure to retry.
 */
export function redirectError(answer: TransportAnswer, where: { module: string; action: string }): CsmartConfigError | undefined {
  if (!isRedirect(answer.status)) return undefined;
  answer.cancel();
  return new CsmartConfigError(`CSMART ${where.module}/${where.action} answered HTTP ${answer.status}, ${movedTo(answer.location)}`, { ...where, field: 'CSMART_API_URL' });
}

/** An HTTP status that sends the request elsewhere (3xx). */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** What to say of a redirect and where it points (the client's error, and `csmart doctor`'s finding). */
export function movedTo(location: string | null | undefined): string {
  return `a redirect${location ? ` to ${location.slice(0, 200)}` : ''}: set CSMART_API_URL to the address of its api.php`;
}
