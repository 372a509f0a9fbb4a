import { hash } from 'node:crypto';
import xxhash from 'xxhash-wasm';

/**
 * The content hash of one record: a hash of its NDJSON line, i.e. the record's own bytes as CSMART sent
 * them. Hashing the bytes already written to the file costs one hash per record and no serialising.
 * Key order comes from the vendor's JSON; if it ever changes, hashes differ although nothing changed —
 * the field-by-field comparison of such candidates (see `changedFields`) then finds no change and no
 * event is sent. The hash finds changes; it guards nothing, so it is chosen for speed and spread.
 *
 * XXH64 (xxHash's 64 bits, by the `xxhash-wasm` package), chosen by measurement (`npm run bench -- list`):
 * per record of the bench's List about a third of SHA-1's CPU, which is mostly the cost of a call into
 * OpenSSL per record. 64 bits miss a change with a chance of 2^-64 per changed record. Indexes written
 * before hold SHA-1 (20 bytes): the night after the upgrade hashes each line both ways, diffs with SHA-1
 * and stores XXH64 (see `exportModule`).
 */
export type ContentHashKind = 'xxh64' | 'sha1';

/** The hash new indexes are written with. */
export const CONTENT_HASH: ContentHashKind = 'xxh64';

/** Bytes of one hash of each kind, as an index stores it. */
export const HASH_BYTES: Readonly<Record<ContentHashKind, number>> = { xxh64: 8, sha1: 20 };

export type ContentHash = {
  readonly kind: ContentHashKind;
  /** Writes the hash of `line` (HASH_BYTES[kind] bytes) into `out` at `at`. */
  into(line: Uint8Array, out: Uint8Array, at: number): void;
};

const sha1: ContentHash = {
  kind: 'sha1',
  into(line, out, at) {
    // A `binary` (latin1) digest is a 20-character string copied byte by byte: measured 3–4× cheaper than a
    // digest Buffer (an allocation per record).
    const digest = hash('sha1', line, 'binary');
    for (let j = 0; j < 20; j++) out[at + j] = digest.charCodeAt(j);
  },
};

let xxh64: Promise<ContentHash> | undefined;

/** The hasher of a kind. XXH64's WebAssembly is compiled on first use, once per process (about a millisecond). */
export function contentHash(kind: ContentHashKind = CONTENT_HASH): Promise<ContentHash> {
  if (kind === 'sha1') return Promise.resolve(sha1);
  xxh64 ??= xxhash().then(({ h64Raw }) => ({
    kind: 'xxh64' as const,
    into(line: Uint8Array, out: Uint8Array, at: number) {
      // Big-endian, as xxHash writes its canonical form.
      const value = h64Raw(line);
      const high = Number(value >> 32n);
      const low = Number(value & 0xffffffffn);
      out[at] = high >>> 24; out[at + 1] = high >>> 16; out[at + 2] = high >>> 8; out[at + 3] = high;
      out[at + 4] = low >>> 24; out[at + 5] = low >>> 16; out[at + 6] = low >>> 8; out[at + 7] = low;
    },
  }));
  return xxh64;
}

/** The hash of one line as text (base64url), as `HashList.hashAt` gives it. */
export function hashRecordLine(hasher: ContentHash, line: Uint8Array | string): string {
  const out = Buffer.alloc(HASH_BYTES[hasher.kind]);
  hasher.into(typeof line === 'string' ? Buffer.from(line) : line, out, 0);
  return out.toString('base64url');
}
