import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportLockedError, ExportLockLostError } from '../../lib/export/errors.ts';
import { acquireExportLock } from '../../lib/export/export-lock.ts';
import type { SnapshotStore } from '../../lib/export/snapshot-store.ts';
import { tempStore } from './helpers.ts';

const KEY = 'csmart/_lock/export.json';
const TTL = 60_000;
let store: SnapshotStore;
let cleanup: () => Promise<void>;
let clock = Date.parse('2026-03-02T01:00:00Z');
const now = () => new Date(clock);

beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
  clock = Date.parse('2026-03-02T01:00:00Z');
});
afterEach(() => cleanup());

describe('export lock', () => {
  it('is taken by the first run and refused to a second while live', async () => {
    await acquireExportLock(store, KEY, { owner: 'run-a', ttlMs: TTL, now });
    const second = await acquireExportLock(store, KEY, { owner: 'run-b', ttlMs: TTL, now }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ExportLockedError);
    expect(second).toMatchObject({ code: 'locked', heldBy: 'run-a', expiresAt: '2026-03-02T01:01:00.000Z' });
  });

  it('can be taken again after release', async () => {
    const lock = await acquireExportLock(store, KEY, { owner: 'run-a', ttlMs: TTL, now });
    await lock.release();
    expect(await store.get(KEY)).toBeUndefined();
    await expect(acquireExportLock(store, KEY, { owner: 'run-b', ttlMs: TTL, now })).resolves.toMatchObject({ owner: 'run-b' });
  });

  it('is taken over once it has expired (a crashed run)', async () => {
    await acquireExportLock(store, KEY, { owner: 'crashed', ttlMs: TTL, now });
    clock += TTL + 1;
    const lock = await acquireExportLock(store, KEY, { owner: 'run-b', ttlMs: TTL, now });
    expect(lock.owner).toBe('run-b');
    expect(JSON.parse((await store.get(KEY))!.toString())).toMatchObject({ owner: 'run-b' });
  });

  it('is taken over when its content is unreadable', async () => {
    await store.put(KEY, Buffer.from('not json'), 'application/json');
    await expect(acquireExportLock(store, KEY, { owner: 'run-b', ttlMs: TTL, now })).resolves.toMatchObject({ owner: 'run-b' });
  });

  it('extends its expiry when renewed, so it is not taken over', async () => {
    const lock = await acquireExportLock(store, KEY, { owner: 'run-a', ttlMs: TTL, now });
    clock += TTL - 1000;
    await lock.renew();
    clock += 2000;
    await expect(acquireExportLock(store, KEY, { owner: 'run-b', ttlMs: TTL, now })).rejects.toBeInstanceOf(ExportLockedError);
  });

  it('tells a run that its lock was taken over, and its release leaves the new lock alone', async () => {
    const stale = await acquireExportLock(store, KEY, { owner: 'slow', ttlMs: TTL, now });
    clock += TTL + 1;
    await acquireExportLock(store, KEY, { owner: 'run-b', ttlMs: TTL, now });
    await expect(stale.renew()).rejects.toBeInstanceOf(ExportLockLostError);
    await stale.release();
    expect(JSON.parse((await store.get(KEY))!.toString())).toMatchObject({ owner: 'run-b' });
  });

  it('expires by the holder\'s deadline when that comes before the TTL, renewed or not', async () => {
    const expiresBy = new Date(clock + TTL / 2);
    const lock = await acquireExportLock(store, KEY, { owner: 'run-a', ttlMs: TTL, now, expiresBy });
    expect(JSON.parse((await store.get(KEY))!.toString())).toMatchObject({ expiresAt: expiresBy.toISOString() });
    clock += 1000;
    await lock.renew();
    expect(JSON.parse((await store.get(KEY))!.toString())).toMatchObject({ expiresAt: expiresBy.toISOString() });
    clock = expiresBy.getTime() + 1;
    await expect(acquireExportLock(store, KEY, { owner: 'run-b', ttlMs: TTL, now })).resolves.toMatchObject({ owner: 'run-b' });
  });

  it('lets only one of two runs that start together win', async () => {
    const results = await Promise.allSettled([
      acquireExportLock(store, KEY, { owner: 'a', ttlMs: TTL, now }),
      acquireExportLock(store, KEY, { owner: 'b', ttlMs: TTL, now }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});
