/**
 * Memory for the account directory's long-lived arrays: a growable SharedArrayBuffer, though no other thread reads it.
 * - It grows in place: no copy, and no old block left with malloc (a directory built again and again grew by those).
 * - V8 does not count shared memory against this isolate's heap limits, so growing it schedules no full GC. Ordinary
 *   array buffers did: each 10–25 MB a List added started a mark-compact, whose floating young objects then made V8
 *   double its young generation once or twice (bench/list, Lambda's flags for 256 MB: 300,000 clients 117–158 MB held,
 *   1,000,000 clients 205–215 MB; in shared memory 116–117 MB and 172 MB).
 * - Its pages are only reserved until written, so room grown ahead costs no memory. It never shrinks.
 */
export function sharedPages(bytes: number, maxBytes = bytes): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes, { maxByteLength: maxBytes });
}
