import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the proxy does with one request: pass it on (after a delay), or answer it itself. */
export type ProxyAction = { delayMs?: number } | { status: number; contentType: string; body: string };
/** Decides per request; `target` is the AWS JSON operation (`x-amz-target`), e.g. `DynamoDB_20120810.PutItem`. */
export type ProxyRule = (request: { target: string; body: string }) => ProxyAction | undefined;

export type FaultProxy = { origin: string; rule: ProxyRule | undefined; readonly faults: number; close(): Promise<void> };

/**
 * An HTTP proxy on loopback in front of a local AWS server, so the real SDK meets the failures of the real
 * service on the wire: throttling answered as DynamoDB answers it, slow sends. Nothing is mocked in the client.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  let faults = 0;
  const proxy: FaultProxy = {
    origin: '',
    rule: undefined,
    get faults() { return faults; },
    close: async () => {},
  };
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readAll(request);
      const action = proxy.rule?.({ target: String(request.headers['x-amz-target'] ?? ''), body }) ?? {};
      if ('status' in action) {
        faults++;
        response.writeHead(action.status, { 'content-type': action.contentType, 'x-amzn-requestid': 'fault-proxy' });
        response.end(action.body);
        return;
      }
      if (action.delayMs) { faults++; await sleep(action.delayMs); }
      const headers = Object.fromEntries(Object.entries(request.headers)
        .filter(([name]) => !['host', 'content-length', 'connection'].includes(name))
        .map(([name, value]) => [name, String(value)]));
      const answer = await fetch(`${upstream}${request.url ?? '/'}`, { method: request.method ?? 'POST', headers, body: body === '' ? undefined : body });
      const text = await answer.text();
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => { if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value; });
      response.writeHead(answer.status, out);
      response.end(text);
    })().catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
  return proxy;
}

async function readAll(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

/** DynamoDB's answer when a table's throughput is exceeded (the SDK raises ProvisionedThroughputExceededException). */
export const DYNAMO_THROTTLED: ProxyAction = {
  status: 400,
  contentType: 'application/x-amz-json-1.0',
  body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' }),
};
