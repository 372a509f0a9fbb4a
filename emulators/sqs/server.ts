import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import {
  answer, answerFault, LOCAL_SQS_ACCOUNT, LOCAL_SQS_OPERATIONS, LOCAL_SQS_REGION, LocalSqsFault, readBody,
  type Json, type LocalSqsOperation, type LocalSqsQueueAttributes,
} from './protocol.ts';
import { createQueueStore, READ_ONLY_OPERATIONS, type LocalSqsQueue, type LocalSqsSnapshot } from './queues.ts';

/**
 * An SQS-compatible server on 127.0.0.1 for tests, benchmarks and `npm start`: HTTP in front of the
 * queue store. It speaks what `@aws-sdk/client-sqs` sends (see protocol.ts); signatures are not checked.
 */

export type LocalSqsOptions = {
  /** Milliseconds since the epoch; default `Date.now`. Drives visibility, delays, dedupe and retention. */
  now?: () => number;
  /** The port to listen on; default any free one. */
  port?: number;
  /** A JSON file the queues are kept in: read at start, written after every change. Default: memory only. */
  dataFile?: string;
  /**
   * With a data file: whether messages in flight when it was written are visible again at start. For a
   * local stack whose consumers stopped with it; tests of visibility timeouts leave it off.
   */
  releaseInFlightOnStart?: boolean;
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

/** Starts the server on 127.0.0.1 (an ephemeral port unless one is given). */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  let endpoint = '';
  const store = createQueueStore({ now: options.now ?? Date.now, urlOf: (name) => `${endpoint}/${LOCAL_SQS_ACCOUNT}/${name}` });
  const persist = options.dataFile ? fileKeeper(options.dataFile) : undefined;
  let closed: Promise<void> | undefined;

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
    store.calls[op] += 1;
    try {
      const result = await store.handlers[op](body);
      // Written before the answer: what a client was told is stored survives a crash of this process.
      if (!READ_ONLY_OPERATIONS.has(op)) persist?.save(store.snapshot());
      answer(res, 200, result);
    } catch (error) {
      if (error instanceof LocalSqsFault) return answerFault(res, error);
      throw error;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answerFault(res, new LocalSqsFault('InternalError', 'The local SQS server failed.')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const saved = persist?.load();
  if (saved) store.restore(saved, options.releaseInFlightOnStart ?? false);

  return {
    endpoint,
    region: LOCAL_SQS_REGION,
    accountId: LOCAL_SQS_ACCOUNT,
    createQueue(name, attributes) {
      const url = store.createQueue(name, attributes);
      persist?.save(store.snapshot());
      return url;
    },
    queue(nameOrUrl) {
      const view = store.views.get(nameOrUrl) ?? store.views.get(nameOrUrl.split('/').at(-1) ?? '');
      if (!view) throw new Error(`No local queue ${nameOrUrl}`);
      return view;
    },
    queues: store.views,
    calls: store.calls,
    failSends: store.failSends,
    close() {
      // Idempotent, and it ends pending long polls rather than waiting for them.
      closed ??= new Promise<void>((resolve, reject) => {
        store.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** Reads and writes the store's snapshot; each write replaces the file whole (write, then rename). */
function fileKeeper(file: string) {
  return {
    load(): LocalSqsSnapshot | undefined {
      if (!existsSync(file)) return undefined;
      const saved = JSON.parse(readFileSync(file, 'utf8')) as LocalSqsSnapshot;
      if (saved.version !== 1) throw new Error(`${file} is not a local SQS data file this version reads; delete it to start empty`);
      return saved;
    },
    save(snapshot: LocalSqsSnapshot): void {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
      renameSync(`${file}.tmp`, file);
    },
  };
}
