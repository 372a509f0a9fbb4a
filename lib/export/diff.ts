import type { CsmartRecord } from '../csmart/modules.ts';
import type { RecordHashes } from './ndjson.ts';

/** A record present in both snapshots: where it is now and where it was (NDJSON line numbers). */
export type UpdatedRef = { index: number; previousLine: number };
export type DeletedRef = { id: string; previousLine: number };

/**
 * The difference between the previous snapshot and the current one, by id and content hash.
 * `created` holds positions in the current list; `updated` are candidates whose hash changed (the
 * field-by-field check in `changedFields` decides whether anything really changed).
 */
export type SnapshotDiff = {
  created: number[];
  updated: UpdatedRef[];
  deleted: DeletedRef[];
  unchanged: number;
};

/**
 * Pure diff of two snapshots' hashes. Without a previous snapshot every record counts as created.
 * An id repeated in one list counts once (its first occurrence).
 */
export function diffSnapshots(previous: RecordHashes | undefined, current: RecordHashes): SnapshotDiff {
  const diff: SnapshotDiff = { created: [], updated: [], deleted: [], unchanged: 0 };
  const before = new Map<string, number>();
  if (previous) {
    for (let line = 0; line < previous.ids.length; line++) {
      const id = previous.ids[line]!;
      if (!before.has(id)) before.set(id, line);
    }
  }
  // One map for both lists (a matched id is marked -1), not a second set: it is most of the diff's memory.
  for (let index = 0; index < current.ids.length; index++) {
    const id = current.ids[index]!;
    const previousLine = before.get(id);
    if (previousLine === -1) continue;
    before.set(id, -1);
    if (previousLine === undefined) diff.created.push(index);
    else if (previous!.hashes[previousLine] === current.hashes[index]) diff.unchanged += 1;
    else diff.updated.push({ index, previousLine });
  }
  for (const [id, previousLine] of before) {
    if (previousLine !== -1) diff.deleted.push({ id, previousLine });
  }
  return diff;
}

/** JSON with object keys sorted, so that values equal in content compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).filter((key) => object[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Names of the fields whose values differ between two versions of a record (added and removed fields
 * included), in the order of the newer record, then fields only the older one had. Empty when the two
 * differ only in key order.
 */
export function changedFields(before: CsmartRecord, after: CsmartRecord): string[] {
  const changed: string[] = [];
  for (const field of Object.keys(after)) {
    if (!Object.hasOwn(before, field) || !sameValue(before[field], after[field])) changed.push(field);
  }
  for (const field of Object.keys(before)) {
    if (!Object.hasOwn(after, field)) changed.push(field);
  }
  return changed;
}
