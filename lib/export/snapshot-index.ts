import { gunzipSync, gzipSync } from 'node:zlib';
import type { RecordHashes } from './ndjson.ts';

/**
 * What the next run diffs against: ids and content hashes in NDJSON line order, and the NDJSON they
 * describe (to fetch the previous version of a changed record by its line). Written only after the
 * day's change events were published, so an index marks the state that has been announced.
 */
export type SnapshotIndex = RecordHashes & {
  version: 1;
  module: string;
  date: string;
  /** Key of the NDJSON whose line n is position n here. */
  ndjson: string;
  hash: 'sha1-base64url-of-ndjson-line';
};

/** The gzipped JSON of an index, and the size of the JSON before compression. */
export function encodeSnapshotIndex(index: SnapshotIndex): { body: Buffer; uncompressedBytes: number } {
  const json = Buffer.from(JSON.stringify(index), 'utf8');
  // Level 1: the hashes do not compress anyway, and the default level costs twice the time for the same size.
  return { body: gzipSync(json, { level: 1 }), uncompressedBytes: json.length };
}

/** Decodes a stored index; undefined when it is not one this code wrote (then there is no usable baseline). */
export function decodeSnapshotIndex(gzipped: Buffer): SnapshotIndex | undefined {
  const value = JSON.parse(gunzipSync(gzipped).toString('utf8')) as Partial<SnapshotIndex>;
  const valid = value.version === 1 && Array.isArray(value.ids) && Array.isArray(value.hashes)
    && value.ids.length === value.hashes.length && typeof value.ndjson === 'string';
  return valid ? (value as SnapshotIndex) : undefined;
}
