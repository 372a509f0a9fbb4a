import { grownPages, sharedPages } from './shared-pages.ts';

/** Room reserved for a body read into shared pages: address space only until written, grown past by a copy. */
const RESERVED_BYTES = 1024 * 1024 * 1024;

/**
 * A body read whole into shared pages (`sharedPages`), as a Buffer of exactly its bytes: a large file read once
 * and kept for a run (the export's baseline index, 19 bytes a record) is then not counted against V8's heap
 * limits, so reading it schedules no full GC; the stream's own chunks are short-lived.
 */
export async function readShared(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  let pages = sharedPages(64 * 1024, RESERVED_BYTES);
  let length = 0;
  for await (const chunk of body) {
    pages = grownPages(pages, length + chunk.length);
    new Uint8Array(pages, length, chunk.length).set(chunk);
    length += chunk.length;
  }
  return Buffer.from(pages, 0, length);
}
