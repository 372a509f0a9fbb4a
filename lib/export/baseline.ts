import type { ModuleName } from '../csmart/modules.ts';
import { readShared } from '../memory/read-shared.ts';
import { dateOfFolder, moduleFolder, snapshotKeys } from './layout.ts';
import { decodeSnapshotIndex, type SnapshotIndex } from './snapshot-index.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** The snapshot a run diffs against. */
export type Baseline = { date: string; index: SnapshotIndex };

/**
 * The newest announced snapshot on or before `date`: the day's own index when the day already ran
 * (so a rerun announces only what changed since), else the newest earlier day with an index. Days
 * without a readable index (a run that failed before announcing) are skipped.
 */
export async function findBaseline(store: SnapshotStore, prefix: string, module: ModuleName, date: string): Promise<Baseline | undefined> {
  const dates = (await store.listFolders(moduleFolder(prefix, module)))
    .map(dateOfFolder)
    .filter((day): day is string => day !== undefined && day <= date)
    .sort()
    .reverse();
  for (const day of dates) {
    const keys = snapshotKeys(prefix, module, day);
    // A day written before the binary index has only the gzipped JSON one: read that instead.
    const raw = (await readIndex(store, keys.index)) ?? (await store.get(keys.legacyIndex));
    const index = raw ? decodeSnapshotIndex(raw) : undefined;
    if (index) return { date: day, index };
  }
  return undefined;
}

/** The binary index, read into shared pages: it is held the whole run. */
async function readIndex(store: SnapshotStore, key: string): Promise<Buffer | undefined> {
  const stream = await store.getStream(key);
  return stream && readShared(stream);
}
