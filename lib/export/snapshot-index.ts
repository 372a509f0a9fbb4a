import { gunzipSync } from 'node:zlib';
import { bufferOf, sharedPages } from '../memory/shared-pages.ts';
import { HashList } from './hash-list.ts';
import { HASH_BYTES, type ContentHashKind } from './record-hash.ts';

/**
 * What the next run diffs against: ids and content hashes in NDJSON line order, and the NDJSON they
 * describe (to fetch the previous version of a changed record by its line). Written only after the
 * day's change events were published, so an index marks the state that has been announced.
 */
export type SnapshotIndex = {
  module: string;
  date: string;
  /** Key of the NDJSON whose line n is position n here. */
  ndjson: string;
  /** Ids and content hashes of the lines. */
  records: HashList;
};

/**
 * The index file (`index.bin`), little-endian:
 *
 *   "CSMIDX" 0x00 0x02      magic and format version (8 bytes)
 *   u32                     length of the header JSON
 *   header JSON             { module, date, ndjson, count, hash: "xxh64" (or "sha1"), idBytes }
 *   0–3 zero bytes          so the ends start at a multiple of 4
 *   u32 × count             end offset of each id in the id bytes
 *   8 bytes × count         XXH64 of each NDJSON line (big-endian; 20 bytes of SHA-1 when hash is "sha1")
 *   idBytes bytes           the ids' UTF-8 bytes, end to end
 *
 * Read back as views of the file's bytes (no copy, no string per record); ~19 bytes per record. Not
 * gzipped: most of it is hashes, which do not compress. The earlier index (`index.json.gz`: gzipped JSON
 * with `ids` and base64url `hashes`) is still read, so a night after the upgrade diffs against it.
 */
const MAGIC = Buffer.from('CSMIDX\u0000\u0002', 'latin1');

/** The index as stored. */
export function encodeSnapshotIndex(index: SnapshotIndex): Buffer {
  const { ids, ends, hashes } = index.records.parts();
  const header = Buffer.from(JSON.stringify({
    module: index.module, date: index.date, ndjson: index.ndjson, count: ends.length, hash: index.records.kind, idBytes: ids.length,
  }));
  const headerEnd = MAGIC.length + 4 + header.length;
  const endsAt = headerEnd + ((4 - (headerEnd % 4)) % 4);
  const hashesAt = endsAt + ends.length * 4;
  const idsAt = hashesAt + hashes.length;
  // In shared pages, like the list it copies: the copy made at the end of a run does not start a full GC either.
  const out = bufferOf(sharedPages(idsAt + ids.length));
  MAGIC.copy(out, 0);
  out.writeUInt32LE(header.length, MAGIC.length);
  header.copy(out, MAGIC.length + 4);
  const endBytes = Buffer.from(ends.buffer, ends.byteOffset, ends.byteLength);
  if (LITTLE_ENDIAN) endBytes.copy(out, endsAt);
  else for (let i = 0; i < ends.length; i++) out.writeUInt32LE(ends[i]!, endsAt + i * 4);
  out.set(hashes, hashesAt);
  ids.copy(out, idsAt);
  return out;
}

/**
 * Decodes a stored index, of this format or the earlier gzipped JSON; undefined when it is neither (then
 * there is no usable baseline). Throws nothing for a damaged file: a baseline that cannot be read is none.
 */
export function decodeSnapshotIndex(stored: Buffer): SnapshotIndex | undefined {
  try {
    if (stored.length >= MAGIC.length && stored.subarray(0, MAGIC.length).equals(MAGIC)) return decodeBinary(stored);
    return decodeJson(stored);
  } catch {
    return undefined;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function decodeBinary(stored: Buffer): SnapshotIndex | undefined {
  const headerLength = stored.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  const header = JSON.parse(stored.toString('utf8', MAGIC.length + 4, headerEnd)) as Record<string, unknown>;
  const { module, date, ndjson, count, idBytes } = header;
  if (typeof module !== 'string' || typeof date !== 'string' || typeof ndjson !== 'string' || !isHashKind(header.hash)) return undefined;
  const kind = header.hash;
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(idBytes)) return undefined;
  const n = count as number;
  const endsAt = headerEnd + ((4 - (headerEnd % 4)) % 4);
  const hashesAt = endsAt + n * 4;
  const idsAt = hashesAt + n * HASH_BYTES[kind];
  if (stored.length !== idsAt + (idBytes as number)) return undefined;
  // A view when the bytes sit at a multiple of 4 in memory (a file or S3 object read whole does), else a copy.
  let ends: Uint32Array;
  if (LITTLE_ENDIAN && (stored.byteOffset + endsAt) % 4 === 0) ends = new Uint32Array(stored.buffer, stored.byteOffset + endsAt, n);
  else {
    ends = new Uint32Array(n);
    for (let i = 0; i < n; i++) ends[i] = stored.readUInt32LE(endsAt + i * 4);
  }
  let last = 0;
  for (let i = 0; i < n; i++) {
    if (ends[i]! < last) return undefined;
    last = ends[i]!;
  }
  if (last !== idBytes) return undefined;
  const hashes = stored.subarray(hashesAt, idsAt);
  const ids = stored.subarray(idsAt);
  return { module, date, ndjson, records: HashList.over(kind, ids, ends, hashes, n) };
}

const isHashKind = (value: unknown): value is ContentHashKind => typeof value === 'string' && Object.hasOwn(HASH_BYTES, value);

/** The index as written before: gzipped `{ version: 1, module, date, ndjson, ids, hashes }`. */
function decodeJson(gzipped: Buffer): SnapshotIndex | undefined {
  const value = JSON.parse(gunzipSync(gzipped).toString('utf8')) as { version?: unknown; module?: unknown; date?: unknown; ndjson?: unknown; ids?: unknown; hashes?: unknown };
  const { ids, hashes } = value;
  const valid = value.version === 1 && Array.isArray(ids) && Array.isArray(hashes) && ids.length === hashes.length && typeof value.ndjson === 'string'
    && ids.every((id) => typeof id === 'string') && hashes.every((hash) => typeof hash === 'string');
  if (!valid) return undefined;
  return {
    module: typeof value.module === 'string' ? value.module : '',
    date: typeof value.date === 'string' ? value.date : '',
    ndjson: value.ndjson as string,
    records: HashList.of('sha1', ids as string[], hashes as string[]),
  };
}
