import { describe, expect, it } from 'vitest';
import { sharedPages } from '../../lib/delivery/shared-pages.ts';

const MB = 1024 * 1024;
/** What V8 counts as this isolate's memory outside its heap (the count its heap limits include). */
const counted = () => { const usage = process.memoryUsage(); return usage.external + usage.arrayBuffers; };

describe('shared pages', () => {
  it('grow in place, seen by the arrays already over them, and are not counted as this isolate\'s memory', () => {
    const before = counted();
    const pages = sharedPages(MB, 64 * MB);
    const words = new Uint32Array(pages);
    pages.grow(32 * MB);
    words.fill(7);
    expect(words.length).toBe(8 * MB);
    expect(words[8 * MB - 1]).toBe(7);
    expect(counted() - before).toBeLessThan(4 * MB);
    // An ordinary buffer of the same size is counted: the reason the directory does not use one.
    const ordinary = new Uint32Array(new ArrayBuffer(32 * MB)).fill(7);
    expect(counted() - before).toBeGreaterThan(30 * MB);
    expect(ordinary[0]).toBe(7);
  });
});
