import xxhash from 'xxhash-wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsmartProtocolError } from '../../lib/csmart/errors.ts';
import { ListRecordReader, type ListedRecord } from '../../lib/csmart/list-stream.ts';
import { snapshotKeys } from '../../lib/export/layout.ts';
import type { ExportManifest } from '../../lib/export/manifest.ts';
import { runExport, type RunExportOptions } from '../../lib/export/run-export.ts';
import { decodeSnapshotIndex } from '../../lib/export/snapshot-index.ts';
import type { SnapshotStore } from '../../lib/export/snapshot-store.ts';
import { gunzipText, recordingPublisher, steppingClock, tempStore } from './helpers.ts';

/**
 * The export fed by a streamed List, as the function runs it: the answer's bytes go through the
 * client's record reader in small chunks, so NDJSON, hashes and CSV come from the streamed records.
 */
const PREFIX = 'csmart/';
const DAY1 = '2026-03-01';
const DAY2 = '2026-03-02';

let store: SnapshotStore;
let cleanup: () => Promise<void>;
beforeEach(async () => { ({ store, cleanup } = await tempStore()); });
afterEach(() => cleanup());

/** A List answer streamed as the client streams it: chunks of 7 bytes, batches per chunk; a fault may end it. */
function streamed(answer: string, fault?: Error): () => AsyncIterable<ListedRecord[]> {
  return async function* () {
    const reader = new ListRecordReader({ module: 'Accounts', status: 200, secrets: [] });
    const bytes = Buffer.from(answer);
    for (let at = 0; at < bytes.length; at += 7) {
      const records = reader.push(bytes.subarray(at, at + 7));
      if (records.length > 0) yield records;
    }
    if (fault) throw fault;
    reader.end();
  };
}

function options(answer: string, extra: Partial<RunExportOptions> = {}): RunExportOptions {
  return {
    modules: ['Accounts'], listStream: streamed(answer), store, date: DAY1, domain: 'firma', now: steppingClock(),
    settings: { prefix: PREFIX, eventBus: 'csmart-test', emitOnFirstRun: false }, ...extra,
  };
}

// What a PHP json_encode prints: escaped slashes and \u escapes for Polish letters, ids as numbers.
const PHP_ANSWER = '\uFEFF{"error":"","data":[{"id":1,"name":"\\u017b\\u00f3\\u0142ta \\u0141\\u00f3d\\u017a","www":"https:\\/\\/zolta.pl"},{"id":2,"name":"Ge\\u015b","www":""}]}';

describe('export from a streamed List', () => {
  it('writes each NDJSON line from the record\'s own bytes, hashes those bytes, and the CSV from the parsed record', async () => {
    const run = await runExport(options(PHP_ANSWER));
    expect(run.results[0]).toMatchObject({ status: 'ok', count: 2 });
    const keys = snapshotKeys(PREFIX, 'Accounts', DAY1);
    const lines = gunzipText(await store.get(keys.ndjson)).split('\n');
    expect(lines).toEqual([
      '{"id":1,"name":"\\u017b\\u00f3\\u0142ta \\u0141\\u00f3d\\u017a","www":"https:\\/\\/zolta.pl"}',
      '{"id":2,"name":"Ge\\u015b","www":""}',
      '',
    ]);
    const index = decodeSnapshotIndex((await store.get(keys.index))!)!;
    expect(index.records.allIds()).toEqual(['1', '2']);
    // XXH64 of each line, in xxHash's canonical (big-endian) form.
    const { h64ToString } = await xxhash();
    expect(index.records.kind).toBe('xxh64');
    expect(index.records.allHashes()).toEqual(lines.slice(0, 2).map((line) => Buffer.from(h64ToString(line), 'hex').toString('base64url')));
    expect(gunzipText(await store.get(keys.csv))).toBe('\uFEFFid,name,www\r\n1,Żółta Łódź,https://zolta.pl\r\n2,Geś,\r\n');
  });

  it('gzips NDJSON and CSV at zlib\'s fastest level by default, or at the level the settings ask', async () => {
    const keys = snapshotKeys(PREFIX, 'Accounts', DAY1);
    // Byte 8 of a gzip header (XFL) is 4 when zlib compressed at level 1, 2 at level 9, 0 in between.
    const xfl = async () => [(await store.get(keys.ndjson))![8], (await store.get(keys.csv))![8]];
    await runExport(options(PHP_ANSWER));
    expect(await xfl()).toEqual([4, 4]);
    await runExport(options(PHP_ANSWER, { settings: { prefix: PREFIX, gzipLevel: 9 } }));
    expect(await xfl()).toEqual([2, 2]);
  });

  it('announces only real changes against yesterday\'s snapshot, reading yesterday\'s versions by streaming', async () => {
    await runExport(options(PHP_ANSWER));
    const { publish, details } = recordingPublisher();
    const changed = PHP_ANSWER.replace('"id":2,"name":"Ge\\u015b"', '"id":2,"name":"G\\u0119\\u015b"').replace(']}', ',{"id":3,"name":"Nowa"}]}');
    const run = await runExport(options(changed, { date: DAY2, publish }));
    expect(run.results[0]).toMatchObject({ status: 'ok', created: 1, updated: 1, deleted: 0 });
    expect(details().map((d) => [d.detailType, d.id, d.changedFields, d.previous])).toEqual([
      ['Account Created', '3', undefined, undefined],
      ['Account Updated', '2', ['name'], { name: 'Geś' }],
    ]);
    expect(details()[1]).toMatchObject({ record: { id: '2', name: 'Gęś' } });
  });

  it('finds no change where yesterday\'s line was written re-stringified and today\'s as CSMART sent it', async () => {
    // Yesterday's snapshot from a whole list (JSON.stringify of each record, id as text).
    await runExport({ ...options(''), listStream: undefined, list: async () => [{ id: '1', name: 'Żółta Łódź', www: 'https://zolta.pl' }, { id: '2', name: 'Geś', www: '' }] });
    const { publish, batches } = recordingPublisher();
    const run = await runExport(options(PHP_ANSWER, { date: DAY2, publish }));
    expect(run.results[0]).toMatchObject({ status: 'ok', created: 0, updated: 0, deleted: 0 });
    expect(batches).toEqual([]);
  });

  it('writes the CSV again with every field when a field appears after the header was written', async () => {
    const answer = `{"error":"","data":[{"id":1,"name":"A"},${'{"id":2,"name":"B"},'.repeat(3)}{"id":9,"name":"Z","extra":"late, \\"quoted\\""}]}`;
    await runExport(options(answer));
    const csv = gunzipText(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY1).csv));
    expect(csv.split('\r\n')[0]).toBe('\uFEFFid,name,extra');
    expect(csv.split('\r\n').at(-2)).toBe('9,Z,"late, ""quoted"""');
    expect(csv.split('\r\n')[1]).toBe('1,A,');
    const manifest = JSON.parse((await store.get(snapshotKeys(PREFIX, 'Accounts', DAY1).manifest))!.toString()) as ExportManifest;
    expect(manifest.fields.map((f) => [f.name, f.present])).toEqual([['id', 5], ['name', 5], ['extra', 1]]);
  });

  it('writes nothing and keeps yesterday\'s baseline when the List fails after some records', async () => {
    await runExport(options(PHP_ANSWER));
    const fault = new CsmartProtocolError('CSMART Accounts/List answered a List cut short after 1 record(s) (HTTP 200)', { module: 'Accounts', action: 'List' });
    const run = await runExport({ ...options(PHP_ANSWER.replace(']}', ',{"id":3}]}'), { date: DAY2 }), listStream: streamed(PHP_ANSWER.slice(0, 60), fault) });
    expect(run.results[0]).toMatchObject({ status: 'failed', error: { code: 'protocol' } });
    const keys = snapshotKeys(PREFIX, 'Accounts', DAY2);
    expect(await store.get(keys.ndjson)).toBeUndefined();
    expect(await store.get(keys.csv)).toBeUndefined();
    expect(await store.get(keys.index)).toBeUndefined();
  });

  it('refuses an empty List for a module that had records before starting any upload', async () => {
    await runExport(options(PHP_ANSWER));
    const run = await runExport(options('{"error":"","data":[]}', { date: DAY2 }));
    expect(run.results[0]).toMatchObject({ status: 'failed', error: { code: 'empty_list' } });
    expect(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY2).ndjson)).toBeUndefined();
  });
});
