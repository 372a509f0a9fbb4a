import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsmartClient } from '../../lib/csmart/client.ts';
import { createHttpTransport } from '../../lib/csmart/http-transport.ts';

/** Loopback servers standing in for CSMART's web server: what it may do on the wire that the sandbox does not. */
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Listens on a free port of `host` (closed after the test); answers the port, or fails when the host cannot be served. */
function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  servers.push(server);
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as { port: number }).port));
  });
}

/** An HTTP server that answers each request once its body has arrived (the body is handed on too). */
async function serve(listener: (...args: [...Parameters<RequestListener>, body: Buffer]) => void, host = '127.0.0.1'): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => listener(request, response, Buffer.concat(chunks)));
  });
  server.on('connection', () => connections++);
  const port = await listen(server, host);
  const name = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${name}:${port}/app/api.php`, connections: () => connections };
}

/** The loopback certificate and key made for these tests. */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

const TOKEN_REPLY = '\uFEFF{"error":"","data":{"token":"t0k3n"}}';
/** A List of `count` clients, as CSMART's id-keyed object. */
const listOf = (count: number) => `\uFEFF{"error":"","data":{${Array.from({ length: count }, (_, i) => `"${i + 1}":{"id":"${i + 1}","name":"Klient ${i + 1} – Łódź"}`).join(',')}}}`;
const COMPRESS = {
  gzip: (data: Buffer) => gzipSync(data),
  deflate: (data: Buffer) => deflateSync(data),
  br: (data: Buffer) => brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
} as const;

function clientOf(url: string) {
  return createCsmartClient({ credentials: async () => ({ endpoint: url, domain: 'demo', email: 'a@b.pl', hash: 'h' }), retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 2_000 });
}

describe('the CSMART client on the wire (node:http transport)', () => {
  it.each(Object.keys(COMPRESS) as Array<keyof typeof COMPRESS>)('asks for compressed answers and reads a %s-encoded List, small and streamed', async (encoding) => {
    const seen: IncomingHttpHeaders[] = [];
    const { url } = await serve((request, response) => {
      seen.push(request.headers);
      if (request.url?.includes('module=Login')) return void response.end(TOKEN_REPLY);
      const count = request.url?.includes('Products') ? 3 : 20_000;
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': encoding }).end(COMPRESS[encoding](Buffer.from(listOf(count))));
    });
    const client = clientOf(url);
    expect((await client.list('Products')).map((r) => r.name)).toEqual(['Klient 1 – Łódź', 'Klient 2 – Łódź', 'Klient 3 – Łódź']);
    let streamed = 0;
    for await (const batch of client.listStream('Accounts')) streamed += batch.length;
    expect(streamed).toBe(20_000);
    expect(seen.every((headers) => headers['accept-encoding'] === 'gzip, deflate, br')).toBe(true);
  });

  it.each(['gzip', 'br'] as const)('calls a broken %s body a protocol error, not a network one', async (encoding) => {
    const { url } = await serve((request, response) => {
      if (request.url?.includes('module=Login')) return void response.end(TOKEN_REPLY);
      // gzip's 10-byte header, then a block of the reserved type 3; for Brotli, bytes its decoder refuses outright.
      const header = encoding === 'gzip' ? gzipSync('').subarray(0, 10) : Buffer.alloc(0);
      response.writeHead(200, { 'content-encoding': encoding }).end(Buffer.concat([header, Buffer.alloc(40, 0xff)]));
    });
    await expect(clientOf(url).list('Products')).rejects.toMatchObject({ code: 'protocol', message: expect.stringContaining('a compressed body that could not be decompressed') });
  });

  it('reads a compressed Save reply', async () => {
    const { url } = await serve((request, response) => {
      const reply = request.url?.includes('module=Login') ? TOKEN_REPLY : '\uFEFF{"error":"","data":{"id":"77"}}';
      response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(reply));
    });
    expect(await clientOf(url).save('Accounts', { name: 'Żółta Łódź' })).toBe('77');
  });

  it('sends the form body in UTF-8 with its length', async () => {
    const bodies: Array<{ length: string | undefined; body: string }> = [];
    const { url } = await serve((request, response, body) => {
      bodies.push({ length: request.headers['content-length'], body: body.toString('utf8') });
      response.end(request.url?.includes('module=Login') ? TOKEN_REPLY : '{"error":"","data":{"id":"1"}}');
    });
    await clientOf(url).save('Accounts', { name: 'Żółta Łódź' });
    const save = bodies.at(-1)!;
    expect(new URLSearchParams(save.body).get('name')).toBe('Żółta Łódź');
    expect(Number(save.length)).toBe(Buffer.byteLength(save.body));
  });

  it('keeps one connection for sequential calls, whole and streamed', async () => {
    const { url, connections } = await serve((request, response) => {
      if (request.url?.includes('module=Login')) return void response.end(TOKEN_REPLY);
      // No Content-Length (chunked): the answer streams, and the socket is reused after its last byte.
      response.write(listOf(2).slice(0, 10));
      response.end(listOf(2).slice(10));
    });
    const client = clientOf(url);
    for (let i = 0; i < 50; i++) await client.list('Products');
    for (let i = 0; i < 50; i++) for await (const batch of client.listStream('Products')) void batch;
    expect(connections()).toBe(1);
  });

  it('speaks HTTPS, as CSMART is served, and keeps one connection for sequential calls there too', async () => {
    // A certificate for 127.0.0.1 made for this test only, trusted by this test file's process alone.
    const defaults = getCACertificates('default');
    setDefaultCACertificates([...defaults, fixture('loopback-tls.crt').toString()]);
    let connections = 0;
    const server = createTlsServer({ cert: fixture('loopback-tls.crt'), key: fixture('loopback-tls.key') }, (request, response) => {
      request.resume();
      request.on('end', () => response.end(request.url?.includes('module=Login') ? TOKEN_REPLY : listOf(2)));
    });
    server.on('secureConnection', () => connections++);
    try {
      const port = await listen(server);
      const client = clientOf(`https://127.0.0.1:${port}/app/api.php`);
      for (let i = 0; i < 20; i++) expect(await client.list('Products')).toHaveLength(2);
      expect(connections).toBe(1);
    } finally {
      setDefaultCACertificates(defaults);
    }
  });

  it('refuses a server whose certificate it does not trust', async () => {
    const server = createTlsServer({ cert: fixture('loopback-tls.crt'), key: fixture('loopback-tls.key') }, (_request, response) => response.end(TOKEN_REPLY));
    const port = await listen(server);
    await expect(clientOf(`https://127.0.0.1:${port}/app/api.php`).login()).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('SELF_SIGNED') });
  });

  it('waits out a pause in an answer longer than it keeps idle connections (4 s): that limit is for pooled sockets only', async () => {
    const { url } = await serve((request, response) => {
      if (request.url?.includes('module=Login')) return void response.end(TOKEN_REPLY);
      const body = listOf(2);
      response.write(body.slice(0, 20));
      setTimeout(() => response.end(body.slice(20)), 4_500);
    });
    const client = createCsmartClient({ credentials: async () => ({ endpoint: url, domain: 'demo', email: 'a@b.pl', hash: 'h' }), retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 8_000 });
    expect(await client.list('Products')).toHaveLength(2);
  }, 15_000);

  it('closes a connection idle for 4 s, before a server would (Apache closes at 5 s): a stale socket is never reused', async () => {
    const { url, connections } = await serve((request, response) => response.end(request.url?.includes('module=Login') ? TOKEN_REPLY : listOf(1)));
    servers.at(-1)!.keepAliveTimeout = 60_000;
    const client = clientOf(url);
    await client.list('Products');
    await client.list('Products');
    expect(connections()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 4_300));
    await client.list('Products');
    expect(connections()).toBe(2);
  }, 15_000);

  it.each([301, 302, 307, 308])('says where an endpoint moved (HTTP %i) instead of following it, and does not retry', async (status) => {
    let requests = 0;
    const { url } = await serve((request, response) => {
      requests++;
      response.writeHead(status, { location: `https://crm.example.pl${request.url ?? ''}`, 'content-type': 'text/html' }).end('<html><body>Moved</body></html>');
    });
    const client = createCsmartClient({ credentials: async () => ({ endpoint: url, domain: 'demo', email: 'a@b.pl', hash: 'h' }), retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    const login = await client.login().catch((error: unknown) => error);
    expect(login).toMatchObject({ code: 'config', field: 'CSMART_API_URL', transient: false, message: expect.stringContaining(`HTTP ${status}, a redirect to https://crm.example.pl/app/api.php?module=Login`) });
    expect(requests).toBe(1);
  });

  it('says so for a redirected List and Save too', async () => {
    const { url } = await serve((request, response) => {
      if (request.url?.includes('module=Login')) return void response.end(TOKEN_REPLY);
      response.writeHead(301, { location: 'https://crm.example.pl/app/api.php' }).end();
    });
    const client = clientOf(url);
    await expect(client.list('Products')).rejects.toMatchObject({ code: 'config', action: 'List', message: expect.stringContaining('a redirect to https://crm.example.pl/app/api.php') });
    await expect(client.save('Accounts', { name: 'Żółta Łódź' })).rejects.toMatchObject({ code: 'config', action: 'Save' });
  });

  it('reaches a server on an IPv6 address', async (context) => {
    const served = await serve((request, response) => response.end(request.url?.includes('module=Login') ? TOKEN_REPLY : listOf(1)), '::1')
      .catch((error: NodeJS.ErrnoException) => {
        // A machine without IPv6 on loopback cannot serve this case: it is skipped there, not passed.
        if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') return undefined;
        throw error;
      });
    if (!served) return context.skip();
    expect(await clientOf(served.url).list('Products')).toEqual([{ id: '1', name: 'Klient 1 – Łódź' }]);
  });

  it('fails with the signal\'s reason when aborted while the body is being read, as fetch does', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"error":"",');
    });
    const controller = new AbortController();
    const answer = await createHttpTransport()({ url, body: 'a=b', signal: controller.signal });
    expect(answer.length).toBe(100);
    const reading = answer.bytes();
    const reason = new DOMException('too slow', 'TimeoutError');
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
  });

  it('hands a body in an encoding it did not ask for on as it came', async () => {
    const { url } = await serve((_request, response) => response.writeHead(200, { 'content-encoding': 'zstd-unknown' }).end('{"error":"","data":[]}'));
    const answer = await createHttpTransport()({ url, body: 'a=b', signal: new AbortController().signal });
    expect((await answer.bytes()).toString()).toBe('{"error":"","data":[]}');
  });
});
