import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { login, post } from './wire-client.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** One POST through node:http: with `agent: false` on a new connection, with a keep-alive agent on a reused one. */
function postWith(agent: Agent | false, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(agent ? {} : { connection: 'close' }) };
    const call = request(url, { method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    call.on('error', reject);
    call.end(body);
  });
}

describe('connections', () => {
  it('keeps connections alive, so sequential requests reuse one TCP connection', async () => {
    sandbox = await startSandbox();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });

    for (let i = 0; i < 10; i++) expect(await postWith(agent, `${sandbox.url}?module=Login`, 'domain=demo')).toBe(200);
    agent.destroy();

    expect(sandbox.stats.connections).toBe(1);
    expect(sandbox.stats.logins).toBe(10);
  });

  it('lets fetch reuse its connections for sequential calls', async () => {
    sandbox = await startSandbox();
    const token = await login(sandbox);

    for (let i = 0; i < 20; i++) await post(sandbox, { module: 'Products', action: 'List' }, { domain: 'demo', token });

    // undici opens a second connection for the second request of a fresh origin, then reuses both.
    expect(sandbox.stats.connections).toBeLessThanOrEqual(2);
    expect(sandbox.stats).toMatchObject({ logins: 1, calls: 20 });
  });

  it('tells clients how long an idle connection stays open', async () => {
    sandbox = await startSandbox();

    const response = await fetch(`${sandbox.url}?module=Login`, { method: 'POST', body: '' });
    await response.arrayBuffer();

    expect(response.headers.get('keep-alive')).toBe('timeout=30');
  });

  it('counts every new TCP connection', async () => {
    sandbox = await startSandbox();

    for (let i = 0; i < 3; i++) expect(await postWith(false, `${sandbox.url}?module=Login`, 'domain=demo')).toBe(200);

    expect(sandbox.stats.connections).toBe(3);
  });

  it('closes with keep-alive sockets still open, and a pending latency fault', async () => {
    sandbox = await startSandbox();
    await login(sandbox);
    sandbox.faults.add({ kind: 'latency', ms: 20_000 });
    const pending = post(sandbox, { module: 'Login' }, {}).catch((error: unknown) => error);
    while (sandbox.stats.inFlight === 0) await sleep(5);

    const started = performance.now();
    await sandbox.close();
    sandbox = undefined;

    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
