import { describe, expect, it } from 'vitest';
import { hashText } from '../../lib/delivery/account-directory.ts';
import { SortedKeys } from '../../lib/delivery/sorted-keys.ts';

const add = (keys: SortedKeys, text: string, slot: number) => { const { hi, lo } = hashText(text); keys.add(hi, lo, slot); };
const get = (keys: SortedKeys, text: string) => { const { hi, lo } = hashText(text); return keys.get(hi, lo); };

describe('sorted keys', () => {
  it('finds each of 300,000 keys once sealed, in one array of 8 bytes a key grown by half, and no key it was not given', () => {
    const keys = new SortedKeys();
    const count = 300_000;
    for (let i = 0; i < count; i++) add(keys, `kontakt${i}@example.pl`, i);
    keys.seal();
    expect(keys.bytes).toBeGreaterThanOrEqual(count * 8);
    expect(keys.bytes).toBeLessThan(count * 8 * 1.5);
    for (let i = 0; i < count; i += 7) expect(get(keys, `kontakt${i}@example.pl`)).toBe(i);
    expect(get(keys, `kontakt${count - 1}@example.pl`)).toBe(count - 1);
    for (let i = count; i < count + 20_000; i++) expect(get(keys, `kontakt${i}@example.pl`)).toBeUndefined();
  });

  it('takes keys that differ only in the bits the slot takes as one, and tells apart those that differ above them', () => {
    const keys = new SortedKeys();
    const pairs: Array<[number, number]> = [[0, 0], [0, 1], [0, 2 ** 32 - 1], [1, 0], [2 ** 32 - 1, 2 ** 32 - 1], [7, 2 ** 20], [7, 2 ** 21]];
    pairs.forEach(([hi, lo], slot) => keys.add(hi, lo, slot));
    keys.seal();
    // The slot takes ten bits to begin with: [0, 0] and [0, 1] are one key (its largest slot); the rest differ above.
    expect(pairs.map(([hi, lo]) => keys.get(hi, lo))).toEqual([1, 1, 2, 3, 4, 5, 6]);
    expect(keys.get(2, 0)).toBeUndefined();
    expect(keys.get(7, 2 ** 22)).toBeUndefined();
    expect(keys.get(2 ** 32 - 1, 0)).toBeUndefined();
  });

  it('lets the largest slot of a key stored twice win, and a key added once sealed win over the sorted ones', () => {
    const keys = new SortedKeys();
    add(keys, 'a@b.pl', 9);
    add(keys, 'c@b.pl', 1);
    add(keys, 'a@b.pl', 4);
    keys.seal();
    expect(get(keys, 'a@b.pl')).toBe(9);
    add(keys, 'c@b.pl', 12);
    add(keys, 'new@b.pl', 13);
    expect([get(keys, 'c@b.pl'), get(keys, 'new@b.pl'), keys.size]).toEqual([12, 13, 5]);
  });

  it('lists the slots of each key stored more than once, once sealed', () => {
    const keys = new SortedKeys();
    for (let i = 0; i < 1_000; i++) add(keys, `k${i}`, i);
    add(keys, 'k7', 1_000);
    add(keys, 'k500', 1_001);
    add(keys, 'k7', 1_002);
    expect(() => [...keys.repeated()]).toThrow(/before it was sealed/);
    keys.seal();
    expect([...keys.repeated()].sort((a, b) => a[0]! - b[0]!)).toEqual([[7, 1_000, 1_002], [500, 1_001]]);
  });

  it('keeps slots as large as 2^32 − 1 whole', () => {
    const keys = new SortedKeys();
    add(keys, 'x', 2 ** 32 - 1);
    add(keys, 'y', 2 ** 31);
    keys.seal();
    expect([get(keys, 'x'), get(keys, 'y'), get(keys, 'z')]).toEqual([2 ** 32 - 1, 2 ** 31, undefined]);
  });

  it('is built again into its array once cleared, and refuses a lookup before it is sealed', () => {
    const keys = new SortedKeys();
    for (let i = 0; i < 5_000; i++) add(keys, `k${i}`, i);
    keys.seal();
    const grown = keys.bytes;
    keys.clear();
    expect(() => get(keys, 'k0')).toThrow(/before it was sealed/);
    add(keys, 'only', 0);
    keys.seal();
    expect([get(keys, 'only'), get(keys, 'k0'), keys.size, keys.bytes]).toEqual([0, undefined, 1, grown]);
    keys.clear();
    keys.seal();
    expect([get(keys, 'only'), keys.size]).toEqual([undefined, 0]);
  });
});
