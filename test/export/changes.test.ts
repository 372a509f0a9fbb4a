import { describe, expect, it } from 'vitest';
import type { CsmartRecord } from '../../lib/csmart/modules.ts';
import { resolveChanges, type ChangeInputs } from '../../lib/export/changes.ts';
import { diffSnapshots } from '../../lib/export/diff.ts';
import { HashList } from '../../lib/export/hash-list.ts';
import { contentHash, hashRecordLine } from '../../lib/export/record-hash.ts';
import { account } from './helpers.ts';

const hasher = await contentHash();
const now = { bucket: 'b', key: 'today.ndjson.gz' };
const before = { bucket: 'b', key: 'yesterday.ndjson.gz' };

function inputs(previous: CsmartRecord[], current: CsmartRecord[], overrides: Partial<ChangeInputs> = {}): ChangeInputs {
  const hashes = (records: CsmartRecord[]) => HashList.of(hasher.kind, records.map((r) => r.id), records.map((r) => hashRecordLine(hasher, JSON.stringify(r))));
  const prev = hashes(previous);
  const curr = hashes(current);
  return {
    diff: diffSnapshots(prev, curr), records: current, current: curr, previous: prev,
    previousRecords: new Map(previous.map((r, line) => [line, r])), previousHasher: hasher,
    currentNdjson: now, previousNdjson: before, ...overrides,
  };
}

describe('resolveChanges', () => {
  it('turns a diff into changes with locations, changed fields and previous values', () => {
    const result = resolveChanges(inputs([account(1), account(2)], [account(2, { city: 'Gdańsk' }), account(3)]));
    expect(result).toMatchObject({ created: 1, updated: 1, deleted: 1, unchanged: 0 });
    expect(result.changes).toEqual([
      { kind: 'Created', id: '3', hash: expect.any(String), record: account(3), location: { ...now, line: 2 } },
      { kind: 'Updated', id: '2', hash: expect.any(String), record: account(2, { city: 'Gdańsk' }), location: { ...now, line: 1 }, changedFields: ['city'], previous: { city: 'Łódź' } },
      { kind: 'Deleted', id: '1', hash: hashRecordLine(hasher, JSON.stringify(account(1))), record: account(1), location: { ...before, line: 1 } },
    ]);
  });

  it('counts a record whose keys were only reordered as unchanged', () => {
    const reordered = Object.fromEntries(Object.entries(account(1)).reverse()) as CsmartRecord;
    const result = resolveChanges(inputs([account(1)], [reordered]));
    expect(result).toMatchObject({ updated: 0, unchanged: 1, changes: [] });
  });

  it('still announces an update whose previous version cannot be read, without changed fields', () => {
    const result = resolveChanges(inputs([account(1)], [account(1, { city: 'Gdańsk' })], { previousRecords: new Map() }));
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).not.toHaveProperty('changedFields');
  });

  it('does not trust a previous line that is not the version the index describes', () => {
    const tampered = new Map([[0, account(1, { city: 'Sopot' })]]);
    const result = resolveChanges(inputs([account(1)], [account(1, { city: 'Gdańsk' })], { previousRecords: tampered }));
    expect(result.changes[0]).not.toHaveProperty('previous');
  });

  it('gives a deletion no location when the previous NDJSON is not available to reference', () => {
    const result = resolveChanges(inputs([account(1)], [], { previousNdjson: undefined }));
    expect(result.changes[0]).toMatchObject({ kind: 'Deleted', id: '1', record: account(1), location: undefined });
  });
});
