import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { session } from './wire-client.ts';

let directory: string;
let dataFile: string;
const running: Sandbox[] = [];

async function start(options: Parameters<typeof startSandbox>[0] = {}) {
  const sandbox = await startSandbox({ dataFile, ...options });
  running.push(sandbox);
  return sandbox;
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'sandbox-data-'));
  dataFile = join(directory, 'nested', 'store.json');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
  rmSync(directory, { recursive: true, force: true });
});

describe('data file', () => {
  it('keeps saved records across a restart, and ids go on from where they were', async () => {
    const first = await start();
    await (await session(first)).call('Accounts', 'Save', { name: 'Trwała Spółka', city: 'Łódź' });
    await first.close();

    const second = await start();
    const { call } = await session(second);
    const list = await call('Accounts', 'List');
    const next = await call('Accounts', 'Save', { name: 'Druga' });

    expect(list.envelope?.data).toEqual([{ id: 1, name: 'Trwała Spółka', city: 'Łódź' }]);
    expect(next.envelope?.data).toBe(2);
  });

  it('has the change on disk by the time a Save is answered', async () => {
    const sandbox = await start();

    await (await session(sandbox)).call('Accounts', 'Save', { name: 'Od razu' });

    expect(readFileSync(dataFile, 'utf8')).toContain('Od razu');
  });

  it('writes the seeded store at the first start and loads it instead of seeding again', async () => {
    const first = await start();
    await first.close();
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({ version: 1, domains: { demo: { Products: expect.anything() } } });

    const second = await start();

    expect(second.store.count('Products')).toBe(first.store.count('Products'));
  });

  it('writes atomically: a burst of saves leaves one valid file and no temporary files', async () => {
    const sandbox = await start();
    const { call } = await session(sandbox);

    await Promise.all(Array.from({ length: 40 }, (_, i) => call('Accounts', 'Save', { name: `Firma ${i}` })));
    await sandbox.close();

    expect(readdirSync(join(directory, 'nested'))).toEqual(['store.json']);
    expect(JSON.parse(readFileSync(dataFile, 'utf8')).domains.demo.Accounts.records).toHaveLength(40);
  });

  it('persists a reset and in-process changes', async () => {
    const first = await start();
    first.store.put('Events', { name: 'Z testu' });
    first.reset();
    first.store.put('Opportunities', { name: 'Po resecie' });
    await first.close();

    const second = await start();

    expect(second.store.list('Events')).toEqual([]);
    expect(second.store.list('Opportunities')).toEqual([{ id: 1, name: 'Po resecie' }]);
  });

  it('stores synthetic accounts as a range, not as 100,000 records', async () => {
    const first = await start({ syntheticAccounts: 100_000 });
    first.store.put('Accounts', { id: 7, name: 'Zmieniony' });
    await first.close();

    const second = await start();

    expect(statSync(dataFile).size).toBeLessThan(10_000);
    expect(second.store.count('Accounts')).toBe(100_000);
    expect(second.store.get('Accounts', 7)).toEqual({ id: 7, name: 'Zmieniony' });
    expect(second.store.get('Accounts', 8)?.name).toMatch(/000008/);
  });

  it('refuses to start on a file that is not a sandbox data file', async () => {
    rmSync(directory, { recursive: true, force: true });
    directory = mkdtempSync(join(tmpdir(), 'sandbox-data-'));
    dataFile = join(directory, 'store.json');
    writeFileSync(dataFile, '{"hello":"world"}');

    await expect(start()).rejects.toThrow(/not a sandbox data file/);
  });
});
