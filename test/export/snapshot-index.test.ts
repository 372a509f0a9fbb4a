import { hash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CsmartRecord } from '../../lib/csmart/modules.ts';
import { HashList, hashListCapacity } from '../../lib/export/hash-list.ts';
import { snapshotKeys } from '../../lib/export/layout.ts';
import { runExport, type RunExportOptions } from '../../lib/export/run-export.ts';
import { contentHash, hashRecordLine } from '../../lib/export/record-hash.ts';
import { decodeSnapshotIndex, encodeSnapshotIndex, type SnapshotIndex } from '../../lib/export/snapshot-index.ts';
import type { SnapshotStore } from '../../lib/export/snapshot-store.ts';
import * as shared from '../../lib/memory/read-shared.ts';
import { account, accounts, recordingPublisher, steppingClock, tempStore } from './helpers.ts';

const sha1 = (text: string | Buffer) => hash('sha1', text, 'base64url');
const xxh64 = await contentHash('xxh64');
const IDS = ['1', '12', 'Zażółć-7', '', '9'.repeat(300)];
const HASHES = IDS.map((id) => hashRecordLine(xxh64, `line of ${id}`));
const SHA1_HASHES = IDS.map((id) => sha1(`line of ${id}`));

function sample(ids = IDS, hashes = HASHES, kind: 'xxh64' | 'sha1' = 'xxh64'): SnapshotIndex {
  return { module: 'Accounts', date: '2026-03-01', ndjson: 'csmart/Accounts/dt=2026-03-01/ndjson/Accounts-2026-03-01.ndjson.gz', records: HashList.of(kind, ids, hashes) };
}

/** The index exactly as the export wrote it before the binary format: gzipped JSON with ids and base64url hashes. */
function legacyIndex(index: Omit<SnapshotIndex, 'records'>, ids: string[], hashes: string[]): Buffer {
  return gzipSync(JSON.stringify({ version: 1, module: index.module, date: index.date, ndjson: index.ndjson, hash: 'sha1-base64url-of-ndjson-line', ids, hashes }), { level: 1 });
}

describe('the snapshot index (binary)', () => {
  it('reads back ids (any UTF-8) and hashes in line order', () => {
    const decoded = decodeSnapshotIndex(encodeSnapshotIndex(sample()))!;
    expect(decoded).toMatchObject({ module: 'Accounts', date: '2026-03-01', ndjson: sample().ndjson });
    expect(decoded.records.allIds()).toEqual(IDS);
    expect(decoded.records.allHashes()).toEqual(HASHES);
  });

  it('reads back an index of SHA-1 hashes (written before XXH64) as SHA-1, 20 bytes a record', () => {
    const encoded = encodeSnapshotIndex(sample(IDS, SHA1_HASHES, 'sha1'));
    const decoded = decodeSnapshotIndex(encoded)!;
    expect(decoded.records.kind).toBe('sha1');
    expect(decoded.records.allHashes()).toEqual(SHA1_HASHES);
    expect(encoded.length - encodeSnapshotIndex(sample()).length).toBe(IDS.length * 12);
    expect(decodeSnapshotIndex(encodeSnapshotIndex(sample()))!.records.kind).toBe('xxh64');
  });

  it('answers no index for a hash it does not know', () => {
    const encoded = encodeSnapshotIndex(sample());
    const foreign = Buffer.from(encoded.toString('latin1').replace('"hash":"xxh64"', '"hash":"md5__"'), 'latin1');
    expect(foreign.length).toBe(encoded.length);
    expect(decodeSnapshotIndex(foreign)).toBeUndefined();
  });

  it('reads an empty list, and bytes that start at any offset in memory', () => {
    expect(decodeSnapshotIndex(encodeSnapshotIndex(sample([], [])))!.records.count).toBe(0);
    const encoded = encodeSnapshotIndex(sample());
    const shifted = Buffer.alloc(encoded.length + 1);
    encoded.copy(shifted, 1);
    expect(decodeSnapshotIndex(shifted.subarray(1))!.records.allIds()).toEqual(IDS);
  });

  it('answers no index (no baseline) for a cut, padded or foreign file instead of throwing', () => {
    const encoded = encodeSnapshotIndex(sample());
    expect(decodeSnapshotIndex(encoded.subarray(0, encoded.length - 1))).toBeUndefined();
    expect(decodeSnapshotIndex(Buffer.concat([encoded, Buffer.from('x')]))).toBeUndefined();
    expect(decodeSnapshotIndex(encoded.subarray(0, 20))).toBeUndefined();
    expect(decodeSnapshotIndex(Buffer.from('not an index'))).toBeUndefined();
    expect(decodeSnapshotIndex(gzipSync('{"version":1,"ids":["1"],"hashes":[]}'))).toBeUndefined();
  });

  it('reads the index as written before (gzipped JSON, base64url SHA-1 hashes)', () => {
    const decoded = decodeSnapshotIndex(legacyIndex(sample(), IDS, SHA1_HASHES))!;
    expect(decoded.ndjson).toBe(sample().ndjson);
    expect(decoded.records.kind).toBe('sha1');
    expect(decoded.records.allIds()).toEqual(IDS);
    expect(decoded.records.allHashes()).toEqual(SHA1_HASHES);
  });

  it('grows a list in place, in shared pages that V8 does not count, and never touches a decoded index\'s bytes', () => {
    const ids = Array.from({ length: 300_000 }, (_, i) => String(1_000_000 + i));
    const line = Buffer.alloc(20, 7);
    // What V8 counts against its heap limits outside the heap: ordinary arrays of ~9 MB would schedule a full GC.
    const counted = () => { const usage = process.memoryUsage(); return usage.external + usage.arrayBuffers; };
    const list = new HashList('sha1', 64 * 1024);
    const first = list.parts();
    const before = counted();
    for (const id of ids) list.push(id, line);
    const grown = list.parts();
    for (const part of ['ids', 'ends', 'hashes'] as const) {
      expect(grown[part].buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(grown[part].buffer).toBe(first[part].buffer);
    }
    expect(counted() - before).toBeLessThan(1024 * 1024);
    expect(list.idAt(299_999)).toBe('1299999');
    expect(list.hashAt(299_999)).toBe(line.toString('base64url'));
    // Past the room it reserved (16 times the records it began with) a list moves to larger pages, keeping what it holds.
    const small = new HashList('sha1', 16);
    for (const id of ids.slice(0, 5_000)) small.push(id, line);
    expect(small.parts().ends.buffer).not.toBe(first.ends.buffer);
    expect([small.idAt(0), small.idAt(255), small.idAt(256), small.idAt(4_999)]).toEqual([ids[0], ids[255], ids[256], ids[4_999]]);
    expect(small.sameHash(4_999, list, 0)).toBe(true);

    const encoded = encodeSnapshotIndex(sample());
    const before2 = Buffer.from(encoded);
    const decoded = decodeSnapshotIndex(encoded)!.records;
    for (const id of ids.slice(0, 5_000)) decoded.push(id, line);
    expect(decoded.idAt(0)).toBe(IDS[0]);
    expect(decoded.idAt(IDS.length + 4_999)).toBe(ids[4_999]);
    expect(encoded.equals(before2)).toBe(true);
  });

  it('starts a night\'s list at yesterday\'s count and a little more, so the usual night never grows it', () => {
    const list = new HashList('xxh64', hashListCapacity(10_000));
    const capacity = list.capacity;
    const line = Buffer.alloc(8, 1);
    for (let i = 0; i < 10_200; i++) list.push(String(i), line);
    expect(list.capacity).toBe(capacity);
    expect(new HashList('xxh64', hashListCapacity(undefined)).capacity).toBe(64 * 1024);
  });

  it('holds about 31 bytes per record of 7-digit ids, not two strings each', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => String(1_000_000 + i));
    expect(encodeSnapshotIndex(sample(ids, ids.map(sha1), 'sha1')).length).toBeLessThan(10_000 * 31 + 512);
    expect(encodeSnapshotIndex(sample(ids, ids.map((id) => hashRecordLine(xxh64, id)))).length).toBeLessThan(10_000 * 19 + 512);
  });
});

describe('the export against yesterday\'s index of the earlier format', () => {
  const PREFIX = 'csmart/';
  const DAY1 = '2026-03-01';
  const DAY2 = '2026-03-02';
  let store: SnapshotStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => { ({ store, cleanup } = await tempStore()); });
  afterEach(() => cleanup());

  const options = (records: CsmartRecord[], extra: Partial<RunExportOptions> = {}): RunExportOptions => ({
    modules: ['Accounts'], list: async () => structuredClone(records), store, date: DAY1, domain: 'firma', now: steppingClock(),
    settings: { prefix: PREFIX, eventBus: 'csmart-test' }, ...extra,
  });

  /** The SHA-1 of each line of a day's NDJSON, as the code before XXH64 hashed them. */
  async function sha1OfLines(date: string): Promise<string[]> {
    const ndjson = gunzipSync((await store.get(snapshotKeys(PREFIX, 'Accounts', date).ndjson))!);
    const lines: string[] = [];
    for (let start = 0, end = ndjson.indexOf(0x0a); end !== -1; start = end + 1, end = ndjson.indexOf(0x0a, start)) lines.push(sha1(ndjson.subarray(start, end)));
    return lines;
  }

  /** Turns a day's snapshot into one the earlier code wrote: its index as gzipped JSON of SHA-1 hashes under index.json.gz, no index.bin. */
  async function asEarlierFormat(date: string): Promise<void> {
    const keys = snapshotKeys(PREFIX, 'Accounts', date);
    const index = decodeSnapshotIndex((await store.get(keys.index))!)!;
    await store.put(keys.legacyIndex, legacyIndex(index, index.records.allIds(), await sha1OfLines(date)), 'application/gzip');
    await store.delete(keys.index);
  }

  /** Turns a day's binary index into one of SHA-1 hashes, as the code before XXH64 wrote it. */
  async function asSha1Index(date: string): Promise<void> {
    const keys = snapshotKeys(PREFIX, 'Accounts', date);
    const index = decodeSnapshotIndex((await store.get(keys.index))!)!;
    await store.put(keys.index, encodeSnapshotIndex({ ...index, records: HashList.of('sha1', index.records.allIds(), await sha1OfLines(date)) }), 'application/octet-stream');
  }

  const day1 = accounts(5);
  const day2 = [...day1.slice(1, 4).map((r, i) => (i === 1 ? { ...r, city: 'Gdańsk' } : r)), day1[4]!, account(6)];

  it('reads yesterday\'s binary index into shared pages, which it holds the whole run', async () => {
    await runExport(options(day1));
    const read = vi.spyOn(shared, 'readShared');
    try {
      const today = recordingPublisher();
      await runExport(options(day2, { date: DAY2, publish: today.publish }));
      expect(read).toHaveBeenCalledTimes(1);
      const index = (await read.mock.results[0]!.value) as Buffer;
      expect(index.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(index.equals((await store.get(snapshotKeys(PREFIX, 'Accounts', DAY1).index))!)).toBe(true);
      expect(today.details().map((detail) => detail.detailType).sort()).toEqual(['Account Created', 'Account Deleted', 'Account Updated']);
    } finally {
      read.mockRestore();
    }
  });

  it.each([
    ['gzipped JSON', asEarlierFormat], ['binary, of SHA-1 hashes', asSha1Index],
  ])('diffs against an index of the earlier format (%s): the same changes as against today\'s, the next night with XXH64', async (_name, earlier) => {
    await runExport(options(day1));
    const today = recordingPublisher();
    await runExport(options(day2, { date: DAY2, publish: today.publish }));

    await cleanup();
    ({ store, cleanup } = await tempStore());
    await runExport(options(day1));
    await earlier(DAY1);
    const events = recordingPublisher();
    const run = await runExport(options(day2, { date: DAY2, publish: events.publish }));

    expect(run.results[0]).toMatchObject({ status: 'ok', baseline: DAY1, created: 1, updated: 1, deleted: 1 });
    // Created and updated records carry today's hash in their event ids; a deletion the last one seen, which was SHA-1.
    const summary = (details: ReturnType<typeof events.details>) => details.map((d) => `${d.change} ${d.id} ${d.change === 'Deleted' ? '' : d.eventId}`).sort();
    expect(summary(events.details())).toEqual(summary(today.details()));
    // The previous version was read and checked against the SHA-1 index: the update names its field.
    expect(events.details().find((d) => d.change === 'Updated')).toMatchObject({ id: day1[2]!.id, changedFields: ['city'] });
    const written = decodeSnapshotIndex((await store.get(snapshotKeys(PREFIX, 'Accounts', DAY2).index))!)!.records;
    expect(written.kind).toBe('xxh64');
    expect(written.count).toBe(day2.length);
    // The night after diffs XXH64 against XXH64: nothing changed, nothing announced.
    const next = recordingPublisher();
    const third = await runExport(options(day2, { date: '2026-03-03', publish: next.publish }));
    expect(third.results[0]).toMatchObject({ status: 'ok', baseline: DAY2, created: 0, updated: 0, deleted: 0 });
    expect(next.batches).toEqual([]);
  });

  it('reruns a day that has only the earlier index: announces nothing again and replaces that index', async () => {
    await runExport(options(day1));
    await asEarlierFormat(DAY1);
    const events = recordingPublisher();
    const rerun = await runExport(options(day1, { publish: events.publish }));
    expect(rerun.results[0]).toMatchObject({ status: 'ok', baseline: DAY1, created: 0, updated: 0, deleted: 0 });
    expect(events.batches).toEqual([]);
    const keys = snapshotKeys(PREFIX, 'Accounts', DAY1);
    expect(await store.get(keys.legacyIndex)).toBeUndefined();
    expect(decodeSnapshotIndex((await store.get(keys.index))!)!.records.count).toBe(day1.length);
  });
});
