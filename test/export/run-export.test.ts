import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsmartRecord, ModuleName } from '../../lib/csmart/modules.ts';
import { CsmartUpstreamError } from '../../lib/csmart/errors.ts';
import { EVENT_SIZE_LIMITS } from '../../lib/export/constants.ts';
import { ExportConfigError, ExportFailedError, ExportLockedError } from '../../lib/export/errors.ts';
import { lockKey, snapshotKeys } from '../../lib/export/layout.ts';
import type { ExportManifest } from '../../lib/export/manifest.ts';
import { assertExportSucceeded, runExport, type ExportProgress, type RunExportOptions } from '../../lib/export/run-export.ts';
import { decodeSnapshotIndex } from '../../lib/export/snapshot-index.ts';
import type { SnapshotStore } from '../../lib/export/snapshot-store.ts';
import { account, accounts, gunzipText, parseNdjson, recordingPublisher, steppingClock, tempStore } from './helpers.ts';

function fixture(name: string): CsmartRecord[] {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as CsmartRecord[];
}

const DAY1 = '2026-03-01';
const DAY2 = '2026-03-02';
const PREFIX = 'csmart/';

let store: SnapshotStore;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ store, dir, cleanup } = await tempStore());
});
afterEach(() => cleanup());

type Lists = Partial<Record<ModuleName, CsmartRecord[] | Error>>;

function options(lists: Lists, extra: Partial<RunExportOptions> = {}): RunExportOptions {
  return {
    modules: Object.keys(lists) as ModuleName[],
    list: async (module) => {
      const answer = lists[module];
      if (answer instanceof Error) throw answer;
      return structuredClone(answer ?? []);
    },
    store,
    date: DAY1,
    domain: 'firma-testowa',
    now: steppingClock(),
    settings: { prefix: PREFIX, eventBus: 'csmart-test' },
    ...extra,
  };
}

async function manifestOf(module: ModuleName, date: string): Promise<ExportManifest> {
  return JSON.parse((await store.get(snapshotKeys(PREFIX, module, date).manifest))!.toString('utf8')) as ExportManifest;
}

describe('runExport: files', () => {
  it('writes gzipped NDJSON and CSV, an index and a manifest per module under dt=', async () => {
    const run = await runExport(options({ Accounts: fixture('accounts-day1'), Opportunities: fixture('opportunities-day1') }));
    expect(run.results.map((r) => [r.module, r.status, r.count])).toEqual([['Accounts', 'ok', 4], ['Opportunities', 'ok', 2]]);
    const files = (await readdir(join(dir, 'csmart/Accounts/dt=2026-03-01'), { recursive: true })).sort();
    expect(files).toEqual(['csv', 'csv/Accounts-2026-03-01.csv.gz', 'index.bin', 'manifest.json', 'ndjson', 'ndjson/Accounts-2026-03-01.ndjson.gz']);
  });

  it('stores the records exactly as CSMART returned them in the NDJSON', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    expect(parseNdjson(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY1).ndjson))).toEqual(fixture('accounts-day1'));
  });

  it('writes a CSV Excel opens with Polish letters: BOM, union header with id first, CRLF, quoting', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const text = gunzipText(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY1).csv));
    const lines = text.split('\r\n');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toBe('\uFEFFid,name,nip,type,email,phone_office,city,postal_code,description,au,payment_days');
    expect(lines[1]).toBe('101,Piekarnia Złoty Kłos sp. z o.o.,5260250274,firma,biuro@zlotyklos.pl,\'+48 22 123 45 67,Warszawa,00-950,"Klient od 2019, ""VIP""",,');
    expect(text).toContain('103,"Żabka, Gdańsk",9571000000,firma,,,Gdańsk,,"linia 1\nlinia 2",,\r\n');
  });

  it('describes the snapshot in the manifest: count, sizes, SHA-256 of the stored objects, fields, times, domain', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const keys = snapshotKeys(PREFIX, 'Accounts', DAY1);
    const manifest = await manifestOf('Accounts', DAY1);
    const ndjson = (await store.get(keys.ndjson))!;
    const csv = (await store.get(keys.csv))!;
    expect(manifest).toMatchObject({ version: 1, module: 'Accounts', date: DAY1, domain: 'firma-testowa', count: 4 });
    expect(manifest.files.ndjson).toMatchObject({ key: keys.ndjson, bytes: ndjson.length, sha256: createHash('sha256').update(ndjson).digest('hex'), contentType: 'application/gzip' });
    expect(manifest.files.ndjson.uncompressedBytes).toBe(Buffer.byteLength(gunzipText(ndjson)));
    expect(manifest.files.csv).toMatchObject({ key: keys.csv, bytes: csv.length, sha256: createHash('sha256').update(csv).digest('hex') });
    expect(manifest.files.index.bytes).toBe((await store.get(keys.index))!.length);
    expect(manifest.fields.find((f) => f.name === 'id')).toEqual({ name: 'id', types: ['string'], present: 4 });
    expect(manifest.fields.find((f) => f.name === 'payment_days')).toEqual({ name: 'payment_days', types: ['number'], present: 1 });
    expect(manifest.fields.map((f) => f.name)[1]).toBe('name');
    expect(Date.parse(manifest.finishedAt)).toBeGreaterThan(Date.parse(manifest.startedAt));
    expect(manifest.changes).toEqual({ baseline: null, created: 0, updated: 0, deleted: 0, unchanged: 0, events: 0 });
  });

  it('reports results with counts and bytes, and progress per module', async () => {
    const progress: ExportProgress[] = [];
    const run = await runExport(options({ Accounts: fixture('accounts-day1') }, { onProgress: (p) => progress.push(p) }));
    const manifest = await manifestOf('Accounts', DAY1);
    expect(run.results[0]).toMatchObject({ module: 'Accounts', status: 'ok', count: 4, bytes: manifest.files.ndjson.bytes + manifest.files.csv.bytes, baseline: null });
    expect(progress.map((p) => p.phase)).toEqual(['started', 'finished']);
  });

  it('releases the lock at the end', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    expect(await store.get(lockKey(PREFIX))).toBeUndefined();
  });

  it('refuses a date that is not YYYY-MM-DD before writing anything', async () => {
    await expect(runExport(options({ Accounts: [] }, { date: '2026-02-30' }))).rejects.toBeInstanceOf(ExportConfigError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('runExport: change events', () => {
  it('announces nothing on a first run', async () => {
    const events = recordingPublisher();
    const run = await runExport(options({ Accounts: fixture('accounts-day1') }, { publish: events.publish }));
    expect(events.batches).toEqual([]);
    expect(run.results[0]).toMatchObject({ created: 0, events: 0, baseline: null });
  });

  it('announces every record as created on a first run when configured to', async () => {
    const events = recordingPublisher();
    const run = await runExport(options({ Accounts: fixture('accounts-day1') }, { publish: events.publish, settings: { prefix: PREFIX, eventBus: 'csmart-test', emitOnFirstRun: true } }));
    expect(events.details().map((d) => [d.detailType, d.id])).toEqual([['Account Created', '101'], ['Account Created', '102'], ['Account Created', '103'], ['Account Created', '104']]);
    expect(events.batches.flat().every((e) => e.Source === 'csmart' && e.EventBusName === 'csmart-test')).toBe(true);
    expect(run.results[0]).toMatchObject({ created: 4, events: 4 });
  });

  it('announces exactly what changed since the previous day', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const events = recordingPublisher();
    const run = await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: events.publish }));
    const details = events.details();
    expect(details.map((d) => [d.detailType, d.id])).toEqual([['Account Created', '105'], ['Account Updated', '102'], ['Account Deleted', '103']]);
    expect(details[0]).toMatchObject({ change: 'Created', module: 'Accounts', date: DAY2, domain: 'firma-testowa', record: { id: '105', name: 'Hurtownia Ółówek S.A.' } });
    expect(details[1]).toMatchObject({ changedFields: ['email'], previous: { email: 'jan.kowalski@example.pl' }, record: { email: 'jan.kowalski@nowa-firma.pl' } });
    expect(details[2]).toMatchObject({ change: 'Deleted', record: { id: '103', name: 'Żabka, Gdańsk' } });
    expect(run.results[0]).toMatchObject({ created: 1, updated: 1, deleted: 1, events: 3, baseline: DAY1 });
    expect((await manifestOf('Accounts', DAY2)).changes).toEqual({ baseline: DAY1, created: 1, updated: 1, deleted: 1, unchanged: 2, events: 3 });
  });

  it('diffs against the newest earlier snapshot, skipping days without one', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const events = recordingPublisher();
    const run = await runExport(options({ Accounts: fixture('accounts-day2') }, { date: '2026-03-05', publish: events.publish }));
    expect(run.results[0]!.baseline).toBe(DAY1);
    expect(events.details()).toHaveLength(3);
  });

  it('announces nothing twice when the same day runs twice', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const first = recordingPublisher();
    await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: first.publish }));
    const second = recordingPublisher();
    const rerun = await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: second.publish }));
    expect(first.details()).toHaveLength(3);
    expect(second.batches).toEqual([]);
    expect(rerun.results[0]).toMatchObject({ status: 'ok', created: 0, updated: 0, deleted: 0, baseline: DAY2 });
    expect(parseNdjson(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY2).ndjson))).toEqual(fixture('accounts-day2'));
  });

  it('announces only what changed since the earlier run when the same day runs again', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: recordingPublisher().publish }));
    const later = fixture('accounts-day2').map((r) => (r.id === '104' ? { ...r, city: 'Wrocław' } : r));
    const events = recordingPublisher();
    await runExport(options({ Accounts: later }, { date: DAY2, publish: events.publish }));
    expect(events.details().map((d) => [d.detailType, d.id, d.changedFields])).toEqual([['Account Updated', '104', ['city']]]);
    expect(events.details()[0]!.previous).toEqual({ city: 'Kraków' });
  });

  it('announces no update when only the key order of a record changed', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const reordered = fixture('accounts-day1').map((r) => Object.fromEntries(Object.entries(r).reverse()) as CsmartRecord);
    const events = recordingPublisher();
    const run = await runExport(options({ Accounts: reordered }, { date: DAY2, publish: events.publish }));
    expect(events.batches).toEqual([]);
    expect(run.results[0]).toMatchObject({ updated: 0, events: 0 });
  });

  it('announces again, with the same event ids, what a failed publish may have half sent', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const failing = options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: async () => { throw new Error('EventBridge down'); } });
    const failed = await runExport(failing);
    expect(failed.results[0]).toMatchObject({ status: 'failed', error: { code: 'Error', message: 'EventBridge down' } });
    const events = recordingPublisher();
    const retried = await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: events.publish }));
    expect(retried.results[0]).toMatchObject({ status: 'ok', baseline: DAY1, events: 3 });
  });

  it('announces a night that failed to publish again the next night, with the same event ids', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    // EventBridge took the night's events but its answer never came (and Lambda's retries failed too).
    const half = recordingPublisher();
    const failing = async (entries: Parameters<typeof half.publish>[0]) => {
      await half.publish(entries);
      throw new Error('EventBridge answer lost');
    };
    const failed = await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: failing }));
    expect(failed.results[0]!.status).toBe('failed');
    expect(half.details().length).toBeGreaterThan(0);
    const events = recordingPublisher();
    const next = await runExport(options({ Accounts: fixture('accounts-day2') }, { date: '2026-03-03', publish: events.publish }));
    expect(next.results[0]).toMatchObject({ status: 'ok', baseline: DAY1 });
    const ids = new Map(events.details().map((d) => [`${d.change} ${d.id}`, d.eventId]));
    for (const sent of half.details()) expect(ids.get(`${sent.change} ${sent.id}`)).toBe(sent.eventId);
  });

  it('keeps event ids stable when a rerun of the day fails after replacing the snapshot', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    const first = recordingPublisher();
    await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: first.publish }));
    const later = fixture('accounts-day2').map((r) => (r.id === '104' ? { ...r, city: 'Wrocław' } : r));
    // The rerun replaces the day's NDJSON, then cannot announce: the day's index must not survive it.
    const broken = await runExport(options({ Accounts: later }, { date: DAY2, publish: async () => { throw new Error('down'); } }));
    expect(broken.results[0]!.status).toBe('failed');
    expect(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY2).manifest)).toBeUndefined();
    const events = recordingPublisher();
    const recovered = await runExport(options({ Accounts: later }, { date: DAY2, publish: events.publish }));
    expect(recovered.results[0]!.baseline).toBe(DAY1);
    const ids = new Map(events.details().map((d) => [`${d.change} ${d.id}`, d.eventId]));
    for (const sent of first.details()) expect(ids.get(`${sent.change} ${sent.id}`)).toBe(sent.eventId);
    expect(events.details().find((d) => d.id === '104')).toMatchObject({ change: 'Updated', changedFields: ['city'] });
  });

  it('refers to a record too large for an event by its S3 location', async () => {
    const huge = account(1, { description: 'ż'.repeat(150_000) });
    await runExport(options({ Accounts: [account(2)] }));
    const events = recordingPublisher();
    await runExport(options({ Accounts: [account(2), huge] }, {
      date: DAY2, publish: events.publish,
      settings: { prefix: PREFIX, eventBus: 'csmart-test', maxEventBytes: EVENT_SIZE_LIMITS.before2026 },
    }));
    const [detail] = events.details();
    const key = snapshotKeys(PREFIX, 'Accounts', DAY2).ndjson;
    expect(detail).toMatchObject({ change: 'Created', id: '1', s3: { bucket: store.locate(key).bucket, key, line: 2 } });
    expect(detail!.record).toBeUndefined();
    expect(parseNdjson(await store.get(key))[detail!.s3!.line - 1]).toEqual(huge);
  });

  it('batches many changes into PutEvents calls of at most 10', async () => {
    await runExport(options({ Accounts: accounts(5) }));
    const events = recordingPublisher();
    await runExport(options({ Accounts: accounts(40) }, { date: DAY2, publish: events.publish }));
    expect(events.batches.map((b) => b.length)).toEqual([10, 10, 10, 5]);
  });
});

describe('runExport: failures and overlapping runs', () => {
  it('writes the other modules when one fails, and says which failed', async () => {
    const run = await runExport(options({
      Accounts: fixture('accounts-day1'),
      Quotes: new CsmartUpstreamError('CSMART answered 502', { module: 'Quotes', action: 'List', status: 502 }),
      Opportunities: fixture('opportunities-day1'),
    }));
    expect(run.results.map((r) => [r.module, r.status])).toEqual([['Accounts', 'ok'], ['Quotes', 'failed'], ['Opportunities', 'ok']]);
    expect(run.results[1]!.error).toEqual({ code: 'upstream', message: 'CSMART answered 502' });
    expect(await store.get(snapshotKeys(PREFIX, 'Opportunities', DAY1).manifest)).toBeDefined();
    expect(await store.get(snapshotKeys(PREFIX, 'Quotes', DAY1).manifest)).toBeUndefined();
    const failure = (() => { try { assertExportSucceeded(run); } catch (e) { return e; } })();
    expect(failure).toBeInstanceOf(ExportFailedError);
    expect(failure).toMatchObject({ code: 'failed', modules: ['Quotes'] });
  });

  it('passes when every module succeeded', async () => {
    const run = await runExport(options({ Accounts: [] }));
    expect(() => assertExportSucceeded(run)).not.toThrow();
  });

  it('lets a second run that overlaps the first write nothing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let listedByFirst!: () => void;
    const listing = new Promise<void>((resolve) => { listedByFirst = resolve; });
    const first = runExport(options({ Accounts: [] }, {
      list: async () => { listedByFirst(); await gate; return fixture('accounts-day1'); },
    }));
    await listing;
    let secondListed = false;
    const second = runExport(options({ Accounts: [] }, { list: async () => { secondListed = true; return fixture('accounts-day2'); } }));
    await expect(second).rejects.toBeInstanceOf(ExportLockedError);
    expect(secondListed).toBe(false);
    expect(await readdir(join(dir, 'csmart'))).toEqual(['_lock']);
    release();
    await first;
    expect(parseNdjson(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY1).ndjson))).toEqual(fixture('accounts-day1'));
  });

  it('lets Lambda\'s retry of a run that timed out take the lock a minute after the timeout', async () => {
    const start = Date.parse('2026-03-02T01:00:00Z');
    let clock = start;
    const now = () => new Date(clock);
    let listing!: () => void;
    const listed = new Promise<void>((resolve) => { listing = resolve; });
    // The first run is stopped by its 15-minute timeout while listing: it never releases its lock.
    void runExport(options({ Accounts: [] }, { now, deadline: new Date(start + 15 * 60_000), list: () => { listing(); return new Promise<CsmartRecord[]>(() => undefined); } }));
    await listed;
    clock = start + 16 * 60_000;
    const retried = await runExport(options({ Accounts: fixture('accounts-day1') }, { now, deadline: new Date(clock + 15 * 60_000) }));
    expect(retried.results[0]).toMatchObject({ status: 'ok', count: 4 });
  });

  it('stops writing when another run took the lock over', async () => {
    const run = await runExport(options({ Accounts: [] }, {
      modules: ['Accounts', 'Events', 'Products'],
      list: async (module) => {
        if (module === 'Accounts') {
          // Simulates this run stalling past the lock's expiry and another run taking it over.
          await store.put(lockKey(PREFIX), Buffer.from(JSON.stringify({ owner: 'other', acquiredAt: '', expiresAt: '2099-01-01T00:00:00Z' })), 'application/json');
        }
        return [];
      },
    }));
    expect(run.results.map((r) => [r.module, r.status, r.error?.code])).toEqual([['Accounts', 'ok', undefined], ['Events', 'failed', 'lock_lost'], ['Products', 'failed', 'lock_lost']]);
    expect(await store.get(snapshotKeys(PREFIX, 'Events', DAY1).manifest)).toBeUndefined();
    expect(JSON.parse((await store.get(lockKey(PREFIX)))!.toString())).toMatchObject({ owner: 'other' });
  });

  it('keeps the index in step with the announced state: a failed publish writes no index', async () => {
    await runExport(options({ Accounts: fixture('accounts-day1') }));
    await runExport(options({ Accounts: fixture('accounts-day2') }, { date: DAY2, publish: async () => { throw new Error('down'); } }));
    expect(await store.get(snapshotKeys(PREFIX, 'Accounts', DAY2).index)).toBeUndefined();
    const index = decodeSnapshotIndex((await store.get(snapshotKeys(PREFIX, 'Accounts', DAY1).index))!);
    expect(index?.records.allIds()).toEqual(['101', '102', '103', '104']);
  });
});
