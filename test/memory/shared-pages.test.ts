import { describe, expect, it } from 'vitest';
import { bufferOf, bytesOf, grownPages, sharedPages, wordsOf } from '../../lib/memory/shared-pages.ts';

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

  it('grow within their reservation in place, and past it into new pages holding the old contents', () => {
    const pages = sharedPages(16, 64);
    new Uint8Array(pages).set([1, 2, 3]);
    expect(grownPages(pages, 8)).toBe(pages);
    expect(pages.byteLength).toBe(16);
    expect(grownPages(pages, 64)).toBe(pages);
    expect(pages.byteLength).toBe(64);
    const larger = grownPages(pages, 100);
    expect(larger).not.toBe(pages);
    expect([larger.byteLength, larger.maxByteLength]).toEqual([100, 200]);
    expect([...new Uint8Array(larger, 0, 4)]).toEqual([1, 2, 3, 0]);
  });

  it('give views of a fixed length, which keep it as the pages grow (a view that tracks it is 10–20 times slower in V8)', () => {
    const pages = sharedPages(64, 1024);
    const views = [wordsOf(pages), bytesOf(pages), bufferOf(pages)];
    expect(views.map((view) => view.byteLength)).toEqual([64, 64, 64]);
    pages.grow(512);
    expect(views.map((view) => view.byteLength)).toEqual([64, 64, 64]);
    expect([wordsOf(pages).length, bytesOf(pages).length, bufferOf(pages).length]).toEqual([128, 512, 512]);
    expect(bufferOf(pages)).toBeInstanceOf(Buffer);
  });
});
