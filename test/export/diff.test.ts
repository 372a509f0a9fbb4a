import { describe, expect, it } from 'vitest';
import { canonicalJson, changedFields, diffSnapshots } from '../../lib/export/diff.ts';
import { hashRecordLine } from '../../lib/export/record-hash.ts';
import type { CsmartRecord } from '../../lib/csmart/modules.ts';
import { account, accounts } from './helpers.ts';

function hashesOf(records: CsmartRecord[]) {
  return { ids: records.map((r) => r.id), hashes: records.map((r) => hashRecordLine(JSON.stringify(r))) };
}

describe('diffSnapshots', () => {
  it('sorts records into created, updated, deleted and unchanged', () => {
    const before = [account(1), account(2), account(3)];
    const after = [account(1), account(3, { city: 'Gdańsk' }), account(4)];
    const diff = diffSnapshots(hashesOf(before), hashesOf(after));
    expect(diff.created).toEqual([2]);
    expect(diff.updated).toEqual([{ index: 1, previousLine: 2 }]);
    expect(diff.deleted).toEqual([{ id: '2', previousLine: 1 }]);
    expect(diff.unchanged).toBe(1);
  });

  it('counts everything as created without a previous snapshot', () => {
    const diff = diffSnapshots(undefined, hashesOf(accounts(3)));
    expect(diff.created).toEqual([0, 1, 2]);
    expect(diff.updated).toEqual([]);
    expect(diff.deleted).toEqual([]);
  });

  it('does not care about the order of the list', () => {
    const records = accounts(5);
    const diff = diffSnapshots(hashesOf(records), hashesOf([...records].reverse()));
    expect(diff).toEqual({ created: [], updated: [], deleted: [], unchanged: 5 });
  });

  it('counts an id listed twice once', () => {
    const diff = diffSnapshots(undefined, hashesOf([account(1), account(1)]));
    expect(diff.created).toEqual([0]);
  });

  it('diffs 100,000 records with 1% changed quickly', () => {
    const before = hashesOf(accounts(100_000));
    const after = { ids: [...before.ids], hashes: [...before.hashes] };
    for (let i = 0; i < 100_000; i += 100) after.hashes[i] = 'changed';
    const started = performance.now();
    const diff = diffSnapshots(before, after);
    const elapsed = performance.now() - started;
    expect(diff.updated).toHaveLength(1000);
    expect(diff.unchanged).toBe(99_000);
    // Generous for shared CI machines; a quadratic diff would take minutes here.
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('changedFields', () => {
  it('names changed, added and removed fields', () => {
    const before = { id: '1', name: 'A', city: 'Łódź', www: 'a.pl' };
    const after = { id: '1', name: 'A', city: 'Kraków', email: 'a@a.pl' };
    expect(changedFields(before, after)).toEqual(['city', 'email', 'www']);
  });

  it('finds no change when only the key order differs, nested objects included', () => {
    const before = { id: '1', name: 'A', meta: { a: 1, b: [1, { x: 1, y: 2 }] } };
    const after = { meta: { b: [1, { y: 2, x: 1 }], a: 1 }, name: 'A', id: '1' };
    expect(changedFields(before, after)).toEqual([]);
  });

  it('tells a null from a missing field and from a string', () => {
    expect(changedFields({ id: '1', a: null }, { id: '1' })).toEqual(['a']);
    expect(changedFields({ id: '1', a: 1 }, { id: '1', a: '1' })).toEqual(['a']);
  });

  it('writes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }] })).toBe('{"a":[true,null,{"c":2,"d":"x"}],"b":1}');
  });
});
