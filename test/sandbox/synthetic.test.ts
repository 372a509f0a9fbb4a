import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { useSandbox } from '../support/sandbox.ts';
import { hasValidNipChecksum } from './nip-checksum.ts';
import { session } from './wire-client.ts';

const COUNT = 5_000;
const sandbox = useSandbox({ syntheticAccounts: COUNT });

describe('300,000 synthetic accounts', () => {
  const BIG = 300_000;
  let big: Sandbox;
  beforeAll(async () => {
    big = await startSandbox({ syntheticAccounts: BIG });
  });
  afterAll(() => big.close());

  it('start without delay and come in one List, ids 1..N, with valid unique NIPs', async () => {
    expect(big.store.count('Accounts')).toBe(BIG);
    const { call } = await session(big);

    const answer = await call('Accounts', 'List');

    const records = answer.envelope?.data as { id: number; nip: string; name: string }[];
    expect(records).toHaveLength(BIG);
    expect(records[0]?.id).toBe(1);
    expect(records.at(-1)?.id).toBe(BIG);
    expect(records.every((record) => hasValidNipChecksum(record.nip))).toBe(true);
    expect(new Set(records.map((record) => record.nip)).size).toBe(BIG);
    expect(answer.text).toMatch(/[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/);
  }, 120_000);
});

describe('synthetic accounts', () => {
  it('answers the same List again from its cache, and a changed one after a Save', async () => {
    const { call } = await session(sandbox.current);
    const first = await call('Accounts', 'List');
    const again = await call('Accounts', 'List');

    await call('Accounts', 'Save', { name: 'Nowy' });
    const changed = await call('Accounts', 'List');

    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect((changed.envelope?.data as { id: number; name: string }[]).at(-1)).toEqual({ id: COUNT + 1, name: 'Nowy' });
  });

  it('accepts a task for a synthetic client by its NIP, and refuses a NIP one digit off', async () => {
    const { call } = await session(sandbox.current);
    const nip = String(sandbox.current.store.get('Accounts', 4_321)?.nip);
    const wrong = `${nip.slice(0, 9)}${(Number(nip[9]) + 1) % 10}`;

    expect((await call('Events', 'Save', { name: 'Spotkanie', nip })).envelope?.error).toBe('');
    expect((await call('Events', 'Save', { name: 'Spotkanie', nip: wrong })).envelope?.error).toBe('Nie znaleziono klienta o podanym NIP.');
  });

  it('edits a synthetic client like any other, keeping its other fields', async () => {
    const { call } = await session(sandbox.current);
    const before = sandbox.current.store.get('Accounts', 42)!;

    await call('Accounts', 'Save', { id: '42', city: 'Zakopane' });

    expect(sandbox.current.store.get('Accounts', 42)).toEqual({ ...before, city: 'Zakopane' });
    expect(sandbox.current.store.count('Accounts')).toBe(COUNT);
  });

  it('forgets a deleted synthetic client, its NIP included', async () => {
    const { call } = await session(sandbox.current);
    const nip = String(sandbox.current.store.get('Accounts', 7)?.nip);

    sandbox.current.store.delete('Accounts', 7);

    expect(sandbox.current.store.get('Accounts', 7)).toBeUndefined();
    expect(sandbox.current.store.count('Accounts')).toBe(COUNT - 1);
    expect((await call('Events', 'Save', { name: 'x', nip })).envelope?.error).toBe('Nie znaleziono klienta o podanym NIP.');
  });

  it('comes back in full after a reset', async () => {
    sandbox.current.store.delete('Accounts', 1);

    sandbox.current.reset();

    expect(sandbox.current.store.count('Accounts')).toBe(COUNT);
    expect(sandbox.current.store.get('Accounts', 1)).toBeDefined();
  });

  it('adds more after ordinary records, continuing the ids', () => {
    sandbox.current.store.put('Accounts', { name: 'Zwykły' });

    const total = sandbox.current.seedAccounts(10);

    expect(total).toBe(COUNT + 11);
    expect(sandbox.current.store.list('Accounts').slice(-11).map((record) => record.id)).toEqual(
      Array.from({ length: 11 }, (_, i) => COUNT + 1 + i),
    );
  });
});
