import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCsmartClient, type CsmartClientOptions } from '../../lib/csmart/client.ts';
import { CsmartError, CsmartNetworkError, CsmartProtocolError, CsmartTimeoutError, CsmartUpstreamError, CsmartValidationError } from '../../lib/csmart/errors.ts';
import type { ListedRecord } from '../../lib/csmart/list-stream.ts';

/**
 * The streaming List over real HTTP on 127.0.0.1: a tiny CSMART stand-in whose List answer is written
 * by each test, piece by piece, so faults can strike anywhere in the body.
 */
type ListWriter = (response: ServerResponse) => Promise<void> | void;

let server: Server;
let endpoint: string;
let writeList: ListWriter;
let lists = 0;
let connections = 0;

beforeEach(async () => {
  lists = 0;
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.searchParams.get('module') === 'Login') {
      response.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end('\uFEFF{"error":"","data":{"token":"t0k3n"}}');
      return;
    }
    lists++;
    // Headers not sent yet, so that a test can add a Content-Length (the client's small-answer path).
    response.statusCode = 200;
    response.setHeader('content-type', 'text/html; charset=UTF-8');
    void Promise.resolve(writeList(response)).catch(() => response.destroy());
  });
  connections = 0;
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/app/api.php`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(overrides: Partial<CsmartClientOptions> = {}) {
  return createCsmartClient({
    credentials: async () => ({ endpoint, domain: 'demo', email: 'demo@example.pl', hash: 'h' }),
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 2_000,
    ...overrides,
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Writes and waits for the socket to take it (backpressure), as a real server's output would. */
async function put(response: ServerResponse, text: string | Buffer): Promise<void> {
  if (!response.write(text)) await once(response, 'drain');
}

/** Collects a stream's records until it ends or fails; the error, if any, with the records before it. */
async function drain(stream: AsyncIterable<ListedRecord[]>): Promise<{ ids: string[]; error?: CsmartError }> {
  const ids: string[] = [];
  try {
    for await (const batch of stream) for (const { record } of batch) ids.push(record.id);
  } catch (error) {
    return { ids, error: error as CsmartError };
  }
  return { ids };
}

describe('streamed List over HTTP', () => {
  it('hands out records while the answer is still arriving', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    writeList = async (response) => {
      await put(response, '\uFEFF{"error":"","data":[{"id":1,"name":"A"},{"id":2,"name":"B"}');
      await released;
      response.end(',{"id":3}]}');
    };
    const stream = client().listStream('Accounts')[Symbol.asyncIterator]();
    const first = await stream.next();
    // The server has not finished: these records came before the end of the answer.
    expect(first.value.map((r: ListedRecord) => r.record.id)).toEqual(['1', '2']);
    expect(first.value.map((r: ListedRecord) => r.bytes.toString())).toEqual(['{"id":1,"name":"A"}', '{"id":2,"name":"B"}']);
    release();
    const rest = await drain({ [Symbol.asyncIterator]: () => stream });
    expect(rest).toEqual({ ids: ['3'] });
  });

  it('ends with the error CSMART writes after some records, having handed them out, classified by the known texts', async () => {
    // An unknown text (a database error worded otherwise than the table's) is transient; a known one is about the data.
    for (const [text, kind] of [['Błąd zapytania do bazy danych', CsmartUpstreamError], ['Nieznane pole: colour', CsmartValidationError]] as const) {
      lists = 0;
      writeList = async (response) => {
        await put(response, '{"data":[{"id":1},{"id":2}');
        await pause(20);
        response.end(`],"error":"${text}"}`);
      };
      const { ids, error } = await drain(client().listStream('Accounts'));
      expect(ids).toEqual(['1', '2']);
      expect(error).toBeInstanceOf(kind);
      expect(error?.message).toBe(`CSMART Accounts/List refused: ${text}`);
      expect(lists).toBe(1);
    }
  });

  it('renames CSMART_FIELD_NAMES fields on each streamed record, leaving its bytes as CSMART wrote them', async () => {
    writeList = async (response) => {
      await put(response, '{"error":"","data":{"7":{"NIP_klienta":"526-025-02-74","nazwa":"A","name":"stale"}');
      await pause(20);
      response.end(',"8":{"nazwa":"B"}}}');
    };
    const listed: ListedRecord[] = [];
    for await (const batch of client({ fieldNames: { nip: 'NIP_klienta', name: 'nazwa' } }).listStream('Accounts')) listed.push(...batch);
    expect(listed.map((r) => r.record)).toEqual([{ id: '7', nip: '526-025-02-74', name: 'A' }, { id: '8', name: 'B' }]);
    expect(listed.map((r) => r.bytes.toString())).toEqual(['{"id":"7","NIP_klienta":"526-025-02-74","nazwa":"A","name":"stale"}', '{"id":"8","nazwa":"B"}']);
    // The whole List reads the same renamed records.
    expect(await client({ fieldNames: { nip: 'NIP_klienta', name: 'nazwa' } }).list('Accounts')).toEqual([{ id: '7', nip: '526-025-02-74', name: 'A' }, { id: '8', name: 'B' }]);
  });

  it('ends with an error when the connection is cut mid-record, after the whole records', async () => {
    writeList = async (response) => {
      await put(response, '{"error":"","data":[{"id":1},{"id":2},{"id":3,"name":"Zaż');
      await pause(20);
      response.socket?.destroy();
    };
    const { ids, error } = await drain(client().listStream('Accounts'));
    expect(ids).toEqual(['1', '2']);
    expect(error).toBeInstanceOf(CsmartNetworkError);
    expect(error?.transient).toBe(true);
  });

  it('reports a body that ends mid-record (complete HTTP answer, cut JSON) as a protocol error', async () => {
    writeList = async (response) => {
      await put(response, '{"error":"","data":[{"id":1},');
      await pause(20);
      response.end('{"id":2,"na');
    };
    const { ids, error } = await drain(client().listStream('Accounts'));
    expect(ids).toEqual(['1']);
    expect(error).toBeInstanceOf(CsmartProtocolError);
    expect(error?.message).toMatch(/cut short after 1 record/);
  });

  it('retries a fault before the first record, like any List', async () => {
    writeList = (response) => {
      if (lists < 3) response.end('<html><body>Przerwa techniczna</body></html>');
      else response.end('{"error":"","data":[{"id":7}]}');
    };
    expect(await drain(client().listStream('Accounts'))).toEqual({ ids: ['7'] });
    expect(lists).toBe(3);
  });

  it('times out a List that stops sending, however long it has run', async () => {
    writeList = async (response) => {
      await put(response, '{"error":"","data":[{"id":1},');
      // Then nothing: the socket stays open.
    };
    const { ids, error } = await drain(client({ listIdleTimeoutMs: 150 }).listStream('Accounts'));
    expect(ids).toEqual(['1']);
    expect(error).toBeInstanceOf(CsmartTimeoutError);
    expect(error?.message).toBe('CSMART Accounts/List sent nothing for 150 ms');
  });

  it('lets a slow but steady List run past the idle timeout, and stops it at the total timeout', async () => {
    let written = 0;
    writeList = async (response) => {
      await put(response, '{"error":"","data":[{"id":0}');
      for (let id = 1; id < 1000 && !response.destroyed; id++) {
        await pause(25);
        await put(response, `,{"id":${id}}`);
        written = id;
      }
      response.end(']}');
    };
    // The idle timeout is 80 gaps long, so a busy test machine cannot stall the writer past it; the
    // total timeout is well past one idle timeout, so only a reset idle timer lets the List reach it.
    const { ids, error } = await drain(client({ listIdleTimeoutMs: 2_000, listTimeoutMs: 5_000 }).listStream('Accounts'));
    expect(error).toBeInstanceOf(CsmartTimeoutError);
    expect(error?.message).toBe('CSMART Accounts/List did not finish within 5000 ms');
    // Records kept coming in between.
    expect(ids.length).toBeGreaterThan(1);
    expect(written).toBeGreaterThan(1);
  });

  it('reads a small whole answer (one JSON.parse when ordinary) exactly as the streamed one, for every shape and fault', async () => {
    // Each answer sent whole with its Content-Length (the small path of `list`) and in pieces without it (the
    // record reader as it streams): the same records, or the same error class and message.
    const answers = [
      '\uFEFF{"error":"","data":[{"id":1,"nazwa":"A"},{"id":"2","NIP_klienta":"526"},{"nazwa":"no id"},{"id":null,"x":1}]}',
      '  {"data":[{"id":5}],"error":null}\n',
      '{"error":"","data":{"7":{"nazwa":"A"},"8":{"id":8},"9":{}}}',
      '{"error":"","data":[]}',
      '{"error":"","data":null}',
      '{"error":false}',
      '{"error":"","data":[{"id":1}],"error":""}',
      '{"error":"Nieprawidłowy token","data":[{"id":1}],"error":""}',
      '{"error":"","data":[{"id":1}],"data":[{"id":2}]}',
      '{"error":"","data":[{"id":1,"data":"2026-12-02","error":"none"}]}',
      '{"error":"Nieprawidłowy token","data":[]}',
      '{"error":"","data":[{"id":1},{"id":2}],"error2":"x"}',
      '{"data":[{"id":1}],"error":"Błąd bazy danych"}',
      '{"error":"  ","data":[{"id":1}]}',
      '{"error":0,"data":[{"id":1}]}',
      '{"data":[{"id":1}]}',
      '{"error":"","data":[{"id":1},[2]]}',
      '{"error":"","data":[{"id":1},3]}',
      '{"error":"","data":"none"}',
      '{"error":"","data":[{"id":1}]} trailing',
      '{"error":"","data":[{"id":1}',
      '<br />\n<b>Warning</b>: mysqli_connect(): secret in <b>/var/www/api.php</b><br />\n{"error":"","data":[]}',
      '<!DOCTYPE html><html><body>Przerwa techniczna</body></html>',
      '[{"id":1}]',
      '',
    ];
    const csmart = client({ fieldNames: { nip: 'NIP_klienta', name: 'nazwa' }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const outcome = async () => {
      try {
        return { records: await csmart.list('Accounts') };
      } catch (error) {
        return { error: (error as Error).constructor.name, message: (error as Error).message };
      }
    };
    for (const answer of answers) {
      writeList = (response) => {
        response.setHeader('content-length', Buffer.byteLength(answer));
        response.end(answer);
      };
      const whole = await outcome();
      writeList = async (response) => {
        response.flushHeaders();
        for (let at = 0; at < answer.length; at += 7) await put(response, answer.slice(at, at + 7));
        response.end();
      };
      expect(whole, answer).toEqual(await outcome());
    }
  });

  it('hands out a big List in batches of at most 64 records, every record once and in order', async () => {
    // Over 256 KB, so it streams; written in chunks of ~1,000 records.
    const ids = Array.from({ length: 5_000 }, (_, i) => i + 1);
    writeList = async (response) => {
      await put(response, '{"error":"","data":[');
      for (let at = 0; at < ids.length; at += 1_000) {
        await put(response, `${at > 0 ? ',' : ''}${ids.slice(at, at + 1_000).map((id) => JSON.stringify({ id, name: `Klient ${id}`, city: 'Łódź' })).join(',')}`);
      }
      response.end(']}');
    };
    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const batch of client().listStream('Accounts')) {
      sizes.push(batch.length);
      for (const { record } of batch) seen.push(record.id);
    }
    expect(seen).toEqual(ids.map(String));
    expect(Math.max(...sizes)).toBe(64);
  });

  it('calls a List stopped at its total timeout a total timeout, even when its timer fires a little early', async () => {
    // Timers count whole milliseconds (libuv), performance.now() does not: the deadline's timer can fire a
    // millisecond or two before it by performance.now(), as it once did on a loaded CI machine. Simulated
    // here: 10 ms early, as the timer's callback reads the time. It must still say "did not finish".
    const now = performance.now.bind(performance);
    const early = vi.spyOn(performance, 'now').mockImplementation(() => (new Error().stack?.includes('expireList') ? now() - 10 : now()));
    writeList = async (response) => {
      await put(response, '{"error":"","data":[{"id":0}');
      for (let id = 1; id < 1000 && !response.destroyed; id++) {
        await pause(20);
        await put(response, `,{"id":${id}}`);
      }
      response.end(']}');
    };
    try {
      const { ids, error } = await drain(client({ listIdleTimeoutMs: 300, listTimeoutMs: 600 }).listStream('Accounts'));
      expect(error).toBeInstanceOf(CsmartTimeoutError);
      expect(error?.message).toBe('CSMART Accounts/List did not finish within 600 ms');
      expect(ids.length).toBeGreaterThan(1);
    } finally {
      early.mockRestore();
    }
  });

  it('keeps one TCP connection for a login and 100 sequential Lists, streamed or whole', async () => {
    writeList = (response) => { response.end('{"error":"","data":[{"id":1}]}'); };
    const csmart = client();
    for (let i = 0; i < 50; i++) expect(await csmart.list('Products')).toEqual([{ id: '1' }]);
    for (let i = 0; i < 50; i++) expect(await drain(csmart.listStream('Products'))).toEqual({ ids: ['1'] });
    expect(lists).toBe(100);
    expect(connections).toBe(1);
  });

  it('streams a 500 MB answer produced by a generator, without holding it', async () => {
    // Records of about 5 KB (a long description), written as the socket takes them: the server never
    // holds the answer either. The reader must hand out every record and keep its heap flat.
    const description = 'Zażółć gęślą jaźń — opis klienta. '.repeat(140);
    const recordOf = (id: number) => JSON.stringify({ id, name: `Klient ${id}`, nip: String(1_000_000_000 + id), description });
    const recordBytes = Buffer.byteLength(recordOf(1)) + 1; // the shortest: ids only grow
    const count = Math.ceil((500 * 1024 * 1024) / recordBytes);
    writeList = async (response) => {
      await put(response, '\uFEFF{"error":"","data":[');
      let chunk: string[] = [];
      for (let id = 1; id <= count; id++) {
        chunk.push(recordOf(id));
        if (chunk.length === 64 || id === count) {
          await put(response, (id > chunk.length ? ',' : '') + chunk.join(','));
          chunk = [];
        }
      }
      response.end(']}');
    };
    const heapAtStart = process.memoryUsage().heapUsed;
    let heapPeak = heapAtStart;
    let records = 0;
    let bytes = 0;
    let lastId = '';
    for await (const batch of client({ listIdleTimeoutMs: 10_000 }).listStream('Accounts')) {
      records += batch.length;
      for (const listed of batch) bytes += listed.bytes.length + 1;
      lastId = batch.at(-1)!.record.id;
      if (records % 4096 < batch.length) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    expect(records).toBe(count);
    expect(lastId).toBe(String(count));
    expect(bytes).toBeGreaterThan(500 * 1024 * 1024);
    // Loose on purpose (garbage is collected when V8 likes): a held answer would grow the heap by ≥ 500 MB.
    expect(heapPeak - heapAtStart).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);
});
