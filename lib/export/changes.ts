import type { CsmartRecord } from '../csmart/modules.ts';
import type { ChangeKind } from './constants.ts';
import { changedFields, type SnapshotDiff } from './diff.ts';
import type { HashList } from './hash-list.ts';
import { hashRecordLine, type ContentHash } from './record-hash.ts';
import type { ObjectLocation } from './snapshot-store.ts';

/** Where a record's full JSON can be read: an NDJSON object and the record's 1-based line in it. */
export type RecordLocation = ObjectLocation & { line: number };

/** One change to announce. `hash` is the content hash the change leads to (for deletions: the last one). */
export type Change = {
  kind: ChangeKind;
  id: string;
  hash: string;
  /** The record now; for deletions the last version seen, when it could be read. */
  record: CsmartRecord | undefined;
  location: RecordLocation | undefined;
  changedFields?: string[];
  /** Previous values of the changed fields (a field the record did not have is absent). */
  previous?: Record<string, unknown>;
};

export type ChangeInputs = {
  diff: SnapshotDiff;
  records: readonly CsmartRecord[];
  current: HashList;
  previous: HashList | undefined;
  /** Previous versions of updated and deleted records by their 0-based line in the previous NDJSON. */
  previousRecords: ReadonlyMap<number, CsmartRecord>;
  /** Hashes of those previous lines' own bytes; without them a line is taken to be `JSON.stringify` of its record. */
  previousHashes?: ReadonlyMap<number, string>;
  /** The hasher of the previous index's kind, for a previous line whose hash is not given. */
  previousHasher?: ContentHash;
  currentNdjson: ObjectLocation;
  previousNdjson: ObjectLocation | undefined;
};

export type ResolvedChanges = { changes: Change[]; created: number; updated: number; deleted: number; unchanged: number };

function pick(record: CsmartRecord, fields: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) if (Object.hasOwn(record, field)) values[field] = record[field];
  return values;
}

/**
 * Turns a hash diff into the changes to announce (pure). An update whose fields all compare equal
 * (the vendor reordered keys) is no change. An update whose previous version could not be read (or is
 * not the version the index describes) is still announced, without `changedFields`.
 */
export function resolveChanges(inputs: ChangeInputs): ResolvedChanges {
  const { diff, records, current, previous, previousRecords, previousHashes, previousHasher, currentNdjson, previousNdjson } = inputs;
  const changes: Change[] = [];
  const at = (index: number): RecordLocation => ({ ...currentNdjson, line: index + 1 });
  const wasAt = (line: number): RecordLocation | undefined => (previousNdjson ? { ...previousNdjson, line: line + 1 } : undefined);
  // The previous NDJSON should hold exactly what the index describes; check it rather than trust it.
  const previousAt = (line: number, id: string): CsmartRecord | undefined => {
    const before = previousRecords.get(line);
    if (before === undefined || String(before.id) !== id) return undefined;
    const hash = previousHashes?.get(line) ?? (previousHasher ? hashRecordLine(previousHasher, JSON.stringify(before)) : undefined);
    return previous && hash !== undefined && hash === previous.hashAt(line) ? before : undefined;
  };
  let unchanged = diff.unchanged;
  let updated = 0;

  for (const index of diff.created) {
    changes.push({ kind: 'Created', id: current.idAt(index), hash: current.hashAt(index), record: records[index], location: at(index) });
  }
  for (const { index, previousLine } of diff.updated) {
    const record = records[index]!;
    const change: Change = { kind: 'Updated', id: current.idAt(index), hash: current.hashAt(index), record, location: at(index) };
    const before = previousAt(previousLine, change.id);
    if (before !== undefined) {
      const fields = changedFields(before, record);
      if (fields.length === 0) {
        unchanged += 1;
        continue;
      }
      change.changedFields = fields;
      change.previous = pick(before, fields);
    }
    updated += 1;
    changes.push(change);
  }
  for (const { id, previousLine } of diff.deleted) {
    const before = previousAt(previousLine, id);
    changes.push({
      kind: 'Deleted',
      id,
      hash: previous?.hashAt(previousLine) ?? '',
      record: before,
      location: before ? wasAt(previousLine) : undefined,
    });
  }
  return { changes, created: diff.created.length, updated, deleted: diff.deleted.length, unchanged };
}
