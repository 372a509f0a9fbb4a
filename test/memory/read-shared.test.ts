import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readShared } from '../../lib/memory/read-shared.ts';

const MB = 1024 * 1024;
const counted = () => { const usage = process.memoryUsage(); return usage.external + usage.arrayBuffers; };

describe('readShared', () => {
  it('reads a body of many chunks into shared pages, exactly its bytes, not counted as this isolate\'s memory', async () => {
    const chunks = Array.from({ length: 256 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const before = counted();
    const body = await readShared(Readable.from(chunks));
    // The 16 MB read stay out of V8's count, as an ordinary copy of them would not.
    expect(counted() - before).toBeLessThan(MB);
    expect(body.length).toBe(16 * MB);
    expect(body.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(body.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('reads an empty body as no bytes', async () => {
    expect((await readShared(Readable.from([]))).length).toBe(0);
  });
});
