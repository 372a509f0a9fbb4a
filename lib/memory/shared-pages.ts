/**
 * Memory for long-lived arrays that grow with a List (the worker's account directory, the export's ids and
 * hashes, its gzip chunks): a growable SharedArrayBuffer, though no other thread reads it.
 * - It grows in place: no copy, and no old block left with malloc (a directory built again and again grew by those).
 * - V8 does not count shared memory against this isolate's heap limits, so growing it schedules no full GC. Ordinary
 *   array buffers did: each 10–25 MB a List added started a mark-compact, whose floating young objects then made V8
 *   double its young generation once or twice (bench/list, Lambda's flags for 256 MB: 300,000 clients 117–158 MB held,
 *   1,000,000 clients 205–215 MB; in shared memory 116–117 MB and 172 MB). The export's run did the same.
 * - Its pages are only reserved until written, so room grown ahead costs no memory. It never shrinks.
 */
export function sharedPages(bytes: number, maxBytes = bytes): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes, { maxByteLength: maxBytes });
}

/*
 * Views of a fixed length over pages, to make again when they grow. A view made without a length tracks a growable
 * buffer's length, and V8 optimises element access through it poorly: 10–20 times slower a store (measured on
 * Node 24). Through such views the directory's lookups took 4 times as long, and the export's hash list 1.5–3 times.
 */
export const wordsOf = (pages: SharedArrayBuffer): Uint32Array => new Uint32Array(pages, 0, pages.byteLength >>> 2);
export const bytesOf = (pages: SharedArrayBuffer): Uint8Array => new Uint8Array(pages, 0, pages.byteLength);
export const bufferOf = (pages: SharedArrayBuffer): Buffer => Buffer.from(pages, 0, pages.byteLength);

/**
 * Pages of at least `bytes`: the same pages grown in place while their reservation allows, else new pages
 * (reserving twice the size) holding a copy of the old contents.
 */
export function grownPages(pages: SharedArrayBuffer, bytes: number): SharedArrayBuffer {
  if (bytes <= pages.byteLength) return pages;
  if (pages.growable && bytes <= pages.maxByteLength) {
    pages.grow(bytes);
    return pages;
  }
  const larger = sharedPages(bytes, 2 * bytes);
  new Uint8Array(larger).set(new Uint8Array(pages));
  return larger;
}
