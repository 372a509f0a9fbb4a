import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberText } from '../../lib/csmart/number-text.ts';

describe('numberText', () => {
  it('writes every number exactly as String() does', () => {
    for (const n of [0, -0, 1, -1, 7, 1234567, -98765, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, 1e21, 1.5, -0.25, 1e-7, NaN, Infinity, -Infinity]) {
      expect(numberText(n)).toBe(String(n));
    }
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double()), (n) => { expect(numberText(n)).toBe(String(n)); }), { numRuns: 2_000 });
  });
});
