import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, changedFields, diffByTable, diffInOrder, diffSnapshots } from '../../lib/export/diff.ts';
import { HashList } from '../../lib/export/hash-list.ts';
import { contentHash, hashRecordLine } from '../../lib/export/record-hash.ts';
import type { CsmartRecord } from '../../lib/csmart/modules.ts';
import { account, accounts } from './helpers.ts';

const hasher = await contentHash();

function hashesOf(records: CsmartRecord[]): HashList {
  return HashList.of(hasher.kind, records.map((r) => r.id), records.map((r) => hashRecordLine(hasher, JSON.stringify(r))));
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

  it('diffs the nightly norm (the same ids in order, new ones at the end) in one pass, as the table would', () => {
    const before = accounts(5);
    const after = [...before.slice(0, 2), account(3, { city: 'Gdańsk' }), ...before.slice(3), account(6), account(7)];
    const fast = diffInOrder(hashesOf(before), hashesOf(after));
    expect(fast).toEqual({ created: [5, 6], updated: [{ index: 2, previousLine: 2 }], deleted: [], unchanged: 4 });
    expect(fast).toEqual(diffByTable(hashesOf(before), hashesOf(after)));
    // Numeric ids of different lengths are in order by length first: "9" before "10".
    expect(diffInOrder(HashList.of('xxh64', ['9', '10'], ['', '']), HashList.of('xxh64', ['9', '10', '11'], ['', '', '']))?.created).toEqual([2]);
  });

  it('leaves anything but the nightly norm to the table: a deletion, a move, an id out of order or listed twice', () => {
    const ids = (list: string[]) => HashList.of('xxh64', list, list.map(() => ''));
    expect(diffInOrder(ids(['1', '2', '3']), ids(['1', '3']))).toBeUndefined();
    expect(diffInOrder(ids(['1', '2', '3']), ids(['1', '3', '2']))).toBeUndefined();
    expect(diffInOrder(ids(['1', '2']), ids(['1', '2', '2']))).toBeUndefined();
    expect(diffInOrder(ids(['2', '1']), ids(['2', '1']))).toBeUndefined();
    expect(diffInOrder(ids(['1', '2']), ids(['1', '2', '0']))).toBeUndefined();
  });

  it('answers the same as the table for any two lists (ids repeated, reordered, added, deleted, changed)', () => {
    const list = fc.array(fc.record({ id: fc.integer({ min: 1, max: 40 }), version: fc.integer({ min: 0, max: 2 }) }), { maxLength: 30 });
    const hashes = (records: Array<{ id: number; version: number }>) => HashList.of(hasher.kind, records.map((r) => String(r.id)), records.map((r) => hashRecordLine(hasher, `${r.id}:${r.version}`)));
    // Half the cases grow yesterday's sorted list, so the fast path is taken often, not only refused.
    const pair = fc.oneof(
      fc.tuple(list, list),
      fc.tuple(fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 20 }), fc.integer({ min: 0, max: 5 }), fc.array(fc.boolean(), { maxLength: 20 }))
        .map(([unique, added, changed]) => {
          const before = [...unique].sort((a, b) => a - b).map((id) => ({ id, version: 0 }));
          const top = before.at(-1)?.id ?? 0;
          const after = [...before.map((r, i) => ({ id: r.id, version: changed[i] ? 1 : 0 })), ...Array.from({ length: added }, (_, k) => ({ id: top + k + 1, version: 0 }))];
          return [before, after] as const;
        }),
    );
    let fast = 0;
    fc.assert(fc.property(pair, ([before, after]) => {
      const inOrder = diffInOrder(hashes(before), hashes(after));
      if (inOrder) fast++;
      expect(diffSnapshots(hashes(before), hashes(after))).toEqual(diffByTable(hashes(before), hashes(after)));
      if (inOrder) expect(inOrder).toEqual(diffByTable(hashes(before), hashes(after)));
    }), { numRuns: 500 });
    expect(fast).toBeGreaterThan(100);
  });

  it('counts an id listed twice once', () => {
    const diff = diffSnapshots(undefined, hashesOf([account(1), account(1)]));
    expect(diff.created).toEqual([0]);
  });

  it('counts an id listed twice in yesterday\'s list once: matched by its first line, never deleted twice', () => {
    const before = hashesOf([account(1), account(2), account(1, { city: 'Stare' }), account(2)]);
    expect(diffSnapshots(before, hashesOf([account(1)]))).toEqual({ created: [], updated: [], deleted: [{ id: '2', previousLine: 1 }], unchanged: 1 });
  });

  it('counts an id listed twice today once when yesterday had it too', () => {
    const diff = diffSnapshots(hashesOf([account(1)]), hashesOf([account(1, { city: 'Gdańsk' }), account(1)]));
    expect(diff).toEqual({ created: [], updated: [{ index: 0, previousLine: 0 }], deleted: [], unchanged: 0 });
  });

  it('compares ids byte for byte: a prefix, a longer id and ids beyond ASCII are different records', () => {
    const ids = ['1', '12', '121', 'Zażółć-7', 'Zazolc-7', ''];
    const records = ids.map((id) => ({ id, name: 'A' }));
    const diff = diffSnapshots(hashesOf(records), hashesOf([...records].reverse()));
    expect(diff).toEqual({ created: [], updated: [], deleted: [], unchanged: ids.length });
    const changed = diffSnapshots(hashesOf(records.slice(0, 3)), hashesOf(records.slice(2)));
    expect(changed.created).toEqual([1, 2, 3]);
    expect(changed.deleted.map((d) => d.id)).toEqual(['1', '12']);
  });

  it('diffs 100,000 records with 1% changed, finding exactly those', () => {
    const records = accounts(100_000);
    const after = records.map((record, i) => (i % 100 === 7 ? { ...record, city: 'Zmiana' } : record));
    const diff = diffSnapshots(hashesOf(records), hashesOf([...after].reverse()));
    expect(diff.updated).toHaveLength(1000);
    expect(diff.updated.every(({ index, previousLine }) => previousLine % 100 === 7 && index === 99_999 - previousLine)).toBe(true);
    expect(diff.unchanged).toBe(99_000);
    expect(diff.created).toEqual([]);
    expect(diff.deleted).toEqual([]);
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
