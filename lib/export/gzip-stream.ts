import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Transform, type Readable, type TransformOptions } from 'node:stream';
import { createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import { bufferOf, sharedPages } from '../memory/shared-pages.ts';
import { GZIP_CHUNK_BYTES, GZIP_LEVEL, GZIP_OUTPUT_CHUNK_BYTES } from './constants.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** What was stored: the key, the gzipped size and SHA-256 (of the object as stored), and the text's size. */
export type StoredFile = { key: string; bytes: number; sha256: string; uncompressedBytes: number; contentType: string };

export type GzipWriterOptions = { chunkBytes?: number; level?: number };

/**
 * Encodes text straight into a chunk buffer and hands gzip whole chunks (256 KB). Feeding zlib a record
 * at a time costs ~6× more; joining strings and encoding them with `Buffer.from` costs several times the
 * `JSON.stringify` itself. Compression runs on libuv's thread pool, beside the serialising of the next chunk.
 *
 * `write` returns a promise only when the caller has to wait (gzip's buffer is full because the
 * reader of `output` is slower); otherwise undefined, so a tight loop pays no `await` per record.
 */
export class ChunkedGzipWriter {
  /** The gzipped bytes. */
  readonly output: Readable;
  readonly #gzip: Gzip;
  readonly #chunkBytes: number;
  readonly #digest = createHash('sha256');
  #buffer: Buffer;
  /** Chunk buffers gzip has finished reading, to fill again: no new 512 KB of external memory per chunk. */
  readonly #free: Buffer[] = [];
  #offset = 0;
  #lastLine: Buffer = Buffer.alloc(0);
  #uncompressedBytes = 0;
  #bytes = 0;
  #chunks = 0;

  constructor(options: GzipWriterOptions = {}) {
    this.#chunkBytes = options.chunkBytes ?? GZIP_CHUNK_BYTES;
    this.#buffer = chunkBuffer(2 * this.#chunkBytes);
    // Room for a few chunks ahead: with zlib's 16 KB default every write would wait for 'drain', and
    // serialising would stop while the thread pool compresses instead of running beside it.
    // (zlib passes stream options through to its Transform; @types/node's ZlibOptions omits them.)
    const zlibOptions: ZlibOptions & TransformOptions = { level: options.level ?? GZIP_LEVEL, chunkSize: GZIP_OUTPUT_CHUNK_BYTES, writableHighWaterMark: 4 * this.#chunkBytes };
    this.#gzip = createGzip(zlibOptions);
    const tap = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.#digest.update(chunk);
        this.#bytes += chunk.length;
        done(null, chunk);
      },
    });
    this.#gzip.on('error', (error) => tap.destroy(error));
    this.#gzip.pipe(tap);
    this.output = tap;
  }

  write(text: string): Promise<void> | undefined {
    return this.#put(text, false);
  }

  /** Writes text and a line feed; `lastLine` then holds the text's UTF-8 bytes (to hash without encoding twice). */
  writeLine(text: string): Promise<void> | undefined {
    return this.#put(text, true);
  }

  /** Writes bytes that are already UTF-8 (a record as CSMART sent it) and a line feed, copied, never decoded. */
  writeLineBytes(bytes: Uint8Array): Promise<void> | undefined {
    const most = bytes.length + 1;
    let flowing = true;
    if (this.#offset + most > this.#buffer.length) flowing = this.#flush(most);
    this.#buffer.set(bytes, this.#offset);
    this.#offset += bytes.length;
    this.#buffer[this.#offset++] = 0x0a;
    if (this.#offset >= this.#chunkBytes) flowing = this.#flush() && flowing;
    return flowing ? undefined : this.#drained();
  }

  /** The UTF-8 bytes of the text of the last `writeLine`; valid until the next write. */
  get lastLine(): Buffer {
    return this.#lastLine;
  }

  /** Flushes what is left and ends the gzip stream; resolves when the last gzipped byte was read. */
  async end(): Promise<{ bytes: number; sha256: string; uncompressedBytes: number }> {
    if (!this.#flush()) await this.#drained();
    const done = once(this.output, 'end');
    this.#gzip.end();
    await done;
    return { bytes: this.#bytes, sha256: this.#digest.digest('hex'), uncompressedBytes: this.#uncompressedBytes };
  }

  /** Stops writing; the reader of `output` sees the error. */
  destroy(error: Error): void {
    this.#gzip.destroy(error);
    this.output.destroy(error);
  }

  /** Number of chunks handed to gzip so far (text is never handed over a record at a time). */
  get chunksWritten(): number {
    return this.#chunks;
  }

  #put(text: string, newline: boolean): Promise<void> | undefined {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: reserving that avoids measuring the text first.
    const most = text.length * 3 + 1;
    let flowing = true;
    if (this.#offset + most > this.#buffer.length) flowing = this.#flush(most);
    const start = this.#offset;
    this.#offset += this.#buffer.write(text, start, 'utf8');
    if (newline) {
      this.#lastLine = this.#buffer.subarray(start, this.#offset);
      this.#buffer[this.#offset++] = 0x0a;
    }
    if (this.#offset >= this.#chunkBytes) flowing = this.#flush() && flowing;
    return flowing ? undefined : this.#drained();
  }

  /** Hands the filled part of the buffer to gzip and starts a new one; false when gzip asks to wait. */
  #flush(room = 0): boolean {
    let flowing = true;
    if (this.#offset > 0) {
      const chunk = this.#buffer.subarray(0, this.#offset);
      this.#uncompressedBytes += chunk.length;
      this.#chunks += 1;
      const full = this.#buffer;
      // gzip reads the buffer on the thread pool until this write's callback: only then is it filled again.
      // (Each chunk in a new buffer left ~30 MB of external garbage per 14 MB file until a GC freed it.)
      flowing = this.#gzip.write(chunk, () => {
        if (full.length === 2 * this.#chunkBytes && this.#free.length < 8) this.#free.push(full);
      });
      const reused = room <= 2 * this.#chunkBytes ? this.#free.pop() : undefined;
      this.#buffer = reused ?? chunkBuffer(Math.max(2 * this.#chunkBytes, room));
      this.#offset = 0;
    } else if (room > this.#buffer.length) {
      this.#buffer = chunkBuffer(room);
    }
    return flowing;
  }

  #drained(): Promise<void> {
    // once() rejects when the stream errors, so a failed upload cannot leave the writer waiting forever.
    return once(this.#gzip, 'drain').then(() => undefined);
  }
}

/**
 * A chunk buffer in shared pages: V8 does not count them against its heap limits, so the few megabytes of chunks a
 * run keeps going round do not bring a full GC nearer (bench/export, 300k, Lambda's flags: with them in ordinary
 * buffers the export peaked at 0.87–1.30× its JSON, median 1.10×, in four fresh processes; so, 0.83–1.06×, medians
 * 0.85× and 0.86× in two runs of four).
 */
function chunkBuffer(bytes: number): Buffer {
  return bufferOf(sharedPages(bytes));
}

/** A gzipped object being streamed into the store: write text, then `finish` (or `abort`). */
export type GzipUpload = {
  readonly writer: ChunkedGzipWriter;
  finish(): Promise<StoredFile>;
  abort(error: Error): Promise<void>;
};

/**
 * Starts streaming a gzipped object into the store. Until `finish` ends the stream the store keeps the
 * previous object at `key` readable (see the SnapshotStore contract).
 */
export function beginGzipUpload(store: SnapshotStore, key: string, contentType: string, options: GzipWriterOptions = {}): GzipUpload {
  const writer = new ChunkedGzipWriter(options);
  const stored = store.put(key, writer.output, contentType);
  // If the store gives up, fail the writer too, so a write waiting for 'drain' is released.
  stored.catch((error: unknown) => writer.destroy(error instanceof Error ? error : new Error(String(error))));
  return {
    writer,
    async finish() {
      const [written] = await Promise.all([writer.end(), stored]);
      return { key, contentType, ...written };
    },
    async abort(error) {
      writer.destroy(error);
      await stored.catch(() => undefined);
    },
  };
}
