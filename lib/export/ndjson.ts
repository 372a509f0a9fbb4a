import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CsmartRecord } from '../csmart/modules.ts';
import type { ChunkedGzipWriter } from './gzip-stream.ts';
import { HashList } from './hash-list.ts';
import { hashRecordLine, type ContentHash } from './record-hash.ts';

/**
 * Writes records as NDJSON (one `JSON.stringify` per record, `\n` after each) and hashes every line on
 * the way, so the diff needs no second pass. Does not end the writer.
 */
export async function writeNdjson(records: readonly CsmartRecord[], writer: ChunkedGzipWriter, hasher: ContentHash): Promise<HashList> {
  const hashes = new HashList(hasher.kind, records.length);
  for (const record of records) {
    const waiting = writer.writeLine(JSON.stringify(record));
    hashes.add(typeof record.id === 'string' ? record.id : String(record.id), writer.lastLine, hasher);
    if (waiting) await waiting;
  }
  return hashes;
}

/** Where to put the hashes of the lines read (base64url by line), and the hasher of the index they are checked against. */
export type LineHashes = { into: Map<number, string>; hasher: ContentHash };

/**
 * One NDJSON line as a record: its id as text (a line holds the id as CSMART wrote it, maybe a number),
 * and, when asked, the hash of the line's own bytes, which is what the index holds.
 */
function lineRecord(bytes: Buffer, line: number, hashes: LineHashes | undefined): CsmartRecord {
  hashes?.into.set(line, hashRecordLine(hashes.hasher, bytes));
  const record = JSON.parse(bytes.toString('utf8')) as { id?: unknown };
  if (typeof record.id !== 'string') record.id = record.id === undefined || record.id === null ? '' : String(record.id);
  return record as CsmartRecord;
}

/**
 * Reads chosen lines (0-based) of a gzipped NDJSON stream and parses only those; stops reading once all
 * were found. Used to fetch the previous version of changed records without parsing the whole snapshot.
 */
export async function readNdjsonLines(gzipped: Readable, lines: Iterable<number>, options: { hashes?: LineHashes } = {}): Promise<Map<number, CsmartRecord>> {
  const wanted = new Set(lines);
  const found = new Map<number, CsmartRecord>();
  if (wanted.size === 0) {
    gzipped.destroy();
    return found;
  }
  let line = 0;
  for await (const batch of ndjsonLineBatches(gzipped)) {
    for (const bytes of batch) {
      if (wanted.has(line)) found.set(line, lineRecord(bytes, line, options.hashes));
      line += 1;
    }
    if (found.size === wanted.size) break;
  }
  return found;
}

/** Every record of a gzipped NDJSON stream, line by line (the whole file is never held). */
export async function* ndjsonRecords(gzipped: Readable): AsyncGenerator<CsmartRecord> {
  let line = 0;
  for await (const batch of ndjsonLineBatches(gzipped)) {
    for (const bytes of batch) yield lineRecord(bytes, line++, undefined);
  }
}

/** The lines of a gzipped NDJSON stream, a decompressed chunk's worth at a time; stopping early closes the stream. */
async function* ndjsonLineBatches(gzipped: Readable): AsyncGenerator<Buffer[]> {
  const gunzip = createGunzip();
  gzipped.on('error', (error) => gunzip.destroy(error));
  gzipped.pipe(gunzip);
  let carry: Buffer | undefined;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const data = carry ? Buffer.concat([carry, chunk]) : chunk;
      const lines: Buffer[] = [];
      let start = 0;
      for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
        lines.push(data.subarray(start, end));
        start = end + 1;
      }
      carry = start < data.length ? data.subarray(start) : undefined;
      if (lines.length > 0) yield lines;
    }
    if (carry && carry.length > 0) yield [carry];
  } finally {
    gzipped.destroy();
    gunzip.destroy();
  }
}
