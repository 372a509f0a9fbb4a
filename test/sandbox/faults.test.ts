import { describe, expect, it } from 'vitest';
import { useSandbox } from '../support/sandbox.ts';
import { admin, session } from './wire-client.ts';

const sandbox = useSandbox();

async function inject(fault: Record<string, unknown>) {
  const answer = await admin(sandbox.current, 'POST', '/faults', fault);
  expect(answer.status).toBe(201);
}

describe('fault kinds', () => {
  it('latency: waits the given time, then answers normally and stores the Save', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'latency', ms: 300 });

    const started = performance.now();
    const answer = await call('Accounts', 'Save', { name: 'Powoli' });

    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.envelope).toEqual({ error: '', data: 1 });
    expect(sandbox.current.store.count('Accounts')).toBe(1);
  });

  it('status: answers the status with a short HTML page and does not store the Save', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'status', status: 502 });

    const answer = await call('Accounts', 'Save', { name: 'X' });

    expect(answer.status).toBe(502);
    expect(answer.contentType).toMatch(/^text\/html/);
    expect(answer.text).toContain('502 Bad Gateway');
    expect(sandbox.current.store.count('Accounts')).toBe(0);
  });

  it('status: defaults to 503', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'status' });

    expect((await call('Products', 'List')).status).toBe(503);
  });

  it('html: answers 200 with an HTML error page instead of JSON', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'html' });

    const answer = await call('Products', 'List');

    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/^<!DOCTYPE html>/);
    expect(answer.envelope).toBeUndefined();
  });

  it('drop: closes the socket without an answer, and the Save did not happen', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'drop' });

    await expect(call('Accounts', 'Save', { name: 'X' })).rejects.toThrow();
    expect(sandbox.current.store.count('Accounts')).toBe(0);
  });

  it('drop with processed: stores the Save, then loses the answer', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'drop', processed: true });

    await expect(call('Accounts', 'Save', { name: 'X' })).rejects.toThrow();
    expect(sandbox.current.store.count('Accounts')).toBe(1);
  });

  it('truncate: answers the first half of the JSON, after storing the Save', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'truncate' });

    const answer = await call('Accounts', 'Save', { name: 'Ucięty' });

    expect(answer.status).toBe(200);
    expect(answer.envelope).toBeUndefined();
    expect('\uFEFF{"error":"","data":1}').toContain(answer.text);
    expect(answer.text.length).toBeGreaterThan(1);
    expect(sandbox.current.store.count('Accounts')).toBe(1);
  });

  it('empty: answers 200 with an empty body', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'empty' });

    const answer = await call('Products', 'List');

    expect(answer.status).toBe(200);
    expect(answer.bytes).toHaveLength(0);
  });

  it('php-warning: puts a PHP warning line before the JSON', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'php-warning' });

    const answer = await call('Accounts', 'Save', { name: 'X' });

    expect(answer.envelope).toBeUndefined();
    expect(answer.text).toMatch(/^\s*Warning: .* in \/var\/www\/api\.php on line 12\n\uFEFF\{"error":"","data":1\}$/);
  });
});

describe('fault queue', () => {
  it('hits only the next request by default', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'empty' });

    expect((await call('Products', 'List')).bytes).toHaveLength(0);
    expect((await call('Products', 'List')).envelope?.error).toBe('');
  });

  it('hits the next count requests, and with -1 every request until cleared', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'status', count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('Products', 'List')).status);
    expect(statuses).toEqual([503, 503, 200]);

    await inject({ kind: 'status', count: -1 });
    for (let i = 0; i < 5; i++) expect((await call('Products', 'List')).status).toBe(503);
    expect((await admin(sandbox.current, 'DELETE', '/faults')).status).toBe(200);
    expect((await call('Products', 'List')).status).toBe(200);
  });

  it('hits only the module and action it names, Login included', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'status', module: 'Accounts', action: 'Save' });
    await inject({ kind: 'html', action: 'Login' });

    expect((await call('Accounts', 'List')).status).toBe(200);
    expect((await call('Products', 'List')).status).toBe(200);
    expect((await call('Accounts', 'Save', { name: 'x' })).status).toBe(503);
    await expect(session(sandbox.current)).rejects.toThrow(/login failed: <!DOCTYPE html>/);
  });

  it('works the same in-process, and lists what is still waiting', async () => {
    const { call } = await session(sandbox.current);
    sandbox.current.faults.add({ kind: 'status', count: 3, status: 500 });

    expect((await call('Products', 'List')).status).toBe(500);
    expect((await admin(sandbox.current, 'GET', '/faults')).json).toEqual([expect.objectContaining({ kind: 'status', count: 2, status: 500 })]);
  });

  it('records the fault kind as the outcome in the request log', async () => {
    const { call } = await session(sandbox.current);
    await inject({ kind: 'truncate' });
    await call('Products', 'List');

    expect(sandbox.current.requests.map((entry) => entry.outcome)).toEqual(['ok', 'truncate']);
  });

  it.each([
    [{ kind: 'explode' }, /kind must be one of/],
    [{ kind: 'status', status: 418 }, /status must be one of 500, 502, 503/],
    [{ kind: 'empty', count: 0 }, /count must be/],
    [{ kind: 'latency', ms: -5 }, /ms must be/],
  ])('refuses a malformed fault %j with 400', async (fault, message) => {
    const answer = await admin(sandbox.current, 'POST', '/faults', fault);

    expect(answer.status).toBe(400);
    expect((answer.json as { error: string }).error).toMatch(message);
    expect(sandbox.current.faults.size).toBe(0);
  });
});
