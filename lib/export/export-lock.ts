import { CONTENT_TYPES } from './constants.ts';
import { ExportLockedError, ExportLockLostError } from './errors.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** What the lock object holds. */
export type LockBody = { owner: string; acquiredAt: string; expiresAt: string };

export type ExportLock = {
  readonly owner: string;
  /** Pushes the expiry out by another TTL; throws ExportLockLostError when another run took the lock over. */
  renew(): Promise<void>;
  /** Removes the lock if it is still this run's. */
  release(): Promise<void>;
};

export type LockOptions = {
  owner: string;
  ttlMs: number;
  now: () => Date;
  /**
   * When the holder is stopped at the latest (a Lambda's timeout), plus a margin: the lock never outlives
   * it. Otherwise a run that timed out would block Lambda's retries, a few minutes later, for a whole TTL.
   */
  expiresBy?: Date;
};

function bodyOf(owner: string, acquiredAt: Date, now: Date, ttlMs: number, expiresBy: Date | undefined): Buffer {
  const expiresAt = Math.min(now.getTime() + ttlMs, expiresBy?.getTime() ?? Infinity);
  const body: LockBody = { owner, acquiredAt: acquiredAt.toISOString(), expiresAt: new Date(expiresAt).toISOString() };
  return Buffer.from(JSON.stringify(body));
}

function parseLock(body: Buffer): LockBody | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<LockBody>;
    return typeof value.expiresAt === 'string' && !Number.isNaN(Date.parse(value.expiresAt)) ? (value as LockBody) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the run lock: an object created with a conditional put (`If-None-Match: *` on S3), holding an
 * expiry. A lock past its expiry (a run that crashed) is taken over with a put conditional on its ETag,
 * so of two runs finding the same stale lock only one wins. Throws ExportLockedError while another
 * run's lock is live — that run wrote nothing yet and the caller must write nothing.
 */
export async function acquireExportLock(store: SnapshotStore, key: string, options: LockOptions): Promise<ExportLock> {
  const { owner, ttlMs, now, expiresBy } = options;
  const acquiredAt = now();
  let version: string | undefined;

  // A few rounds: the lock may vanish (released) between our failed create and our read.
  for (let round = 0; round < 3 && version === undefined; round++) {
    version = await store.putIfAbsent(key, bodyOf(owner, acquiredAt, now(), ttlMs, expiresBy), CONTENT_TYPES.json);
    if (version !== undefined) break;
    const existing = await store.getVersioned(key);
    if (!existing) continue;
    const held = parseLock(existing.body);
    // An unreadable lock is treated as stale: otherwise one bad write would block every future run.
    if (held && Date.parse(held.expiresAt) > now().getTime()) throw new ExportLockedError(held.owner, held.expiresAt);
    version = await store.putIfMatch(key, bodyOf(owner, acquiredAt, now(), ttlMs, expiresBy), CONTENT_TYPES.json, existing.version);
    if (version === undefined) {
      // Someone else replaced the stale lock first.
      const winner = await store.getVersioned(key);
      const lock = winner && parseLock(winner.body);
      throw new ExportLockedError(lock?.owner, lock?.expiresAt);
    }
  }
  if (version === undefined) throw new ExportLockedError(undefined, undefined);

  let current: string = version;
  return {
    owner,
    async renew() {
      const renewed = await store.putIfMatch(key, bodyOf(owner, acquiredAt, now(), ttlMs, expiresBy), CONTENT_TYPES.json, current);
      if (renewed === undefined) throw new ExportLockLostError();
      current = renewed;
    },
    async release() {
      await store.deleteIfMatch(key, current);
    },
  };
}
