import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { GZIP_CHUNK_BYTES, GZIP_OUTPUT_CHUNK_BYTES } from '../../lib/export/constants.ts';
import { ChunkedGzipWriter } from '../../lib/export/gzip-stream.ts';
import { readNdjsonLines, writeNdjson } from '../../lib/export/ndjson.ts';
import { contentHash, hashRecordLine } from '../../lib/export/record-hash.ts';
import * as pages from '../../lib/memory/shared-pages.ts';
import { accounts } from './helpers.ts';

const hasher = await contentHash();

async function gzipNdjson(records: ReturnType<typeof accounts>, chunkBytes?: number) {
  const writer = new ChunkedGzipWriter(chunkBytes ? { chunkBytes } : {});
  const collected = buffer(writer.output);
  const hashes = await writeNdjson(records, writer, hasher);
  const summary = await writer.end();
  return { gzipped: await collected, hashes, summary, writer };
}

describe('NDJSON through chunked gzip', () => {
  it('round-trips every record, one JSON per line, Polish letters intact', async () => {
    const records = accounts(2000).map((r, i) => ({ ...r, description: i % 2 ? 'Zażółć\ngęślą "jaźń"' : null, tags: ['a', 'ą'] }));
    const { gzipped } = await gzipNdjson(records);
    const lines = gunzipSync(gzipped).toString('utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual(records);
  });

  it('reports the gzipped size and SHA-256 of exactly the bytes produced, and the text size', async () => {
    const records = accounts(500);
    const { gzipped, summary } = await gzipNdjson(records);
    expect(summary.bytes).toBe(gzipped.length);
    expect(summary.sha256).toBe(createHash('sha256').update(gzipped).digest('hex'));
    expect(summary.uncompressedBytes).toBe(gunzipSync(gzipped).length);
  });

  it('hands gzip large chunks, never a record at a time', async () => {
    const records = accounts(50_000);
    const { writer, summary } = await gzipNdjson(records);
    // Every chunk but the last is at least GZIP_CHUNK_BYTES (≥ 64 KB).
    expect(writer.chunksWritten).toBeLessThanOrEqual(Math.floor(summary.uncompressedBytes / GZIP_CHUNK_BYTES) + 1);
    expect(writer.chunksWritten).toBeGreaterThan(1);
    expect(GZIP_CHUNK_BYTES).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('fills chunk buffers again once gzip has read them, without mixing bytes: a slow reader, many chunks', async () => {
    // 1 KB chunks: hundreds of buffers go round, each only after gzip's callback for it.
    const writer = new ChunkedGzipWriter({ chunkBytes: 1024 });
    const lines = Array.from({ length: 20_000 }, (_, i) => Buffer.from(`{"id":${i},"text":"${'ż'.repeat(i % 50)}"}`));
    const out: Buffer[] = [];
    writer.output.on('data', (chunk: Buffer) => {
      out.push(chunk);
      // A reader that pauses now and then, so gzip's buffer fills and writes must wait for 'drain'.
      if (out.length % 7 === 0) {
        writer.output.pause();
        setTimeout(() => writer.output.resume(), 1);
      }
    });
    for (const line of lines) {
      const waiting = writer.writeLineBytes(line);
      if (waiting) await waiting;
    }
    await writer.end();
    expect(writer.chunksWritten).toBeGreaterThan(100);
    expect(gunzipSync(Buffer.concat(out)).equals(Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])))).toBe(true);
  });

  it('fills chunk buffers in shared pages', async () => {
    const allocated = vi.spyOn(pages, 'sharedPages');
    try {
      const writer = new ChunkedGzipWriter({ chunkBytes: 1024 });
      expect(allocated).toHaveBeenCalledWith(2048);
      writer.output.resume();
      await writer.end();
    } finally {
      allocated.mockRestore();
    }
  });

  it('has zlib write its output into buffers of 64 KB, which one chunk fills, not 256 KB filled over several', async () => {
    const writer = new ChunkedGzipWriter({ level: 1 });
    const out: Buffer[] = [];
    writer.output.on('data', (chunk: Buffer) => out.push(chunk));
    // Lines that compress about 2:1, so that 256 KB chunks give zlib more than 64 KB to write each.
    const lines = Array.from({ length: 20_000 }, (_, i) => Buffer.from(createHash('sha256').update(String(i)).digest('hex')));
    for (const line of lines) {
      const waiting = writer.writeLineBytes(line);
      if (waiting) await waiting;
    }
    await writer.end();
    expect(out.length).toBeGreaterThan(10);
    // Each piece of output is a view of a buffer zlib allocated.
    expect(Math.max(...out.map((chunk) => chunk.buffer.byteLength))).toBeLessThanOrEqual(GZIP_OUTPUT_CHUNK_BYTES);
    expect(gunzipSync(Buffer.concat(out)).equals(Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])))).toBe(true);
  });

  it('hashes each line as written, in line order', async () => {
    const records = accounts(3);
    const { hashes } = await gzipNdjson(records);
    expect(hashes.allIds()).toEqual(['1', '2', '3']);
    expect(hashes.allHashes()).toEqual(records.map((r) => hashRecordLine(hasher, JSON.stringify(r))));
  });

  it('waits for a slow reader instead of buffering the whole file, and fails the wait when the reader fails', async () => {
    const writer = new ChunkedGzipWriter({ chunkBytes: 1024, level: 0 });
    writer.output.on('error', () => undefined);
    let pending: Promise<void> | undefined;
    let written = 0;
    while (!pending && written < 10_000) {
      pending = writer.write('x'.repeat(1024));
      written += 1;
    }
    expect(pending).toBeDefined();
    expect(written).toBeLessThan(100);
    writer.destroy(new Error('upload failed'));
    await expect(pending).rejects.toThrow('upload failed');
  });

  it('reads back only the chosen lines of a gzipped NDJSON', async () => {
    const records = accounts(10_000);
    const gzipped = gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const found = await readNdjsonLines(Readable.from([gzipped.subarray(0, 1000), gzipped.subarray(1000)]), [0, 4999, 9999]);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual([0, 4999, 9999]);
    expect(found.get(4999)).toEqual(records[4999]);
    expect(found.get(9999)).toEqual(records[9999]);
  });

  it('reads a last line that has no newline after it', async () => {
    const gzipped = gzipSync('{"id":"1"}\n{"id":"2"}');
    const found = await readNdjsonLines(Readable.from([gzipped]), [1]);
    expect(found.get(1)).toEqual({ id: '2' });
  });
});
