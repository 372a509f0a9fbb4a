import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsmartRecord } from '../../lib/csmart/modules.ts';
import { snapshotKeys } from '../../lib/export/layout.ts';
import type { ExportManifest } from '../../lib/export/manifest.ts';
import { runExport } from '../../lib/export/run-export.ts';
import { createS3SnapshotStore } from '../../lib/export/s3-snapshot-store.ts';
import { localS3Client, startLocalS3, type LocalS3 } from '../../emulators/s3.ts';
import { accounts, recordingPublisher, steppingClock } from './helpers.ts';

let s3: LocalS3;
beforeAll(async () => { s3 = await startLocalS3(); });
afterAll(() => s3.close());

function object(key: string): Buffer {
  const stored = s3.objects.get(`exports/${key}`);
  if (!stored) throw new Error(`no object ${key}`);
  return stored.body;
}

describe('runExport into S3 (real SDK against a local S3)', () => {
  it('streams the snapshot into the bucket, announces changes with bucket references, and reruns quietly', async () => {
    const store = createS3SnapshotStore({ client: localS3Client(s3.endpoint), bucket: 'exports', partSize: 5 * 1024 * 1024 });
    const base = { modules: ['Accounts'] as const, store, domain: 'firma', now: steppingClock(), settings: { prefix: 'exp', eventBus: 'bus' } };
    // Large enough for a multipart upload: about 8 MB of hard-to-compress text.
    const day1 = accounts(4000).map((r, i) => ({ ...r, notes: randomBytes(2000).toString('base64'), n: i }));
    const list1 = async (): Promise<CsmartRecord[]> => day1;
    await runExport({ ...base, list: list1, date: '2026-03-01' });

    const keys = snapshotKeys('exp', 'Accounts', '2026-03-01');
    const manifest = JSON.parse(object(keys.manifest).toString()) as ExportManifest;
    expect(manifest.count).toBe(4000);
    expect(manifest.files.ndjson.sha256).toBe(createHash('sha256').update(object(keys.ndjson)).digest('hex'));
    expect(gunzipSync(object(keys.ndjson)).toString().split('\n')).toHaveLength(4001);
    expect(s3.requests.some((r) => r.query.partNumber !== undefined)).toBe(true);
    expect(s3.objects.has('exports/exp/_lock/export.json')).toBe(false);

    const day2 = day1.slice(1).map((r) => (r.id === '7' ? { ...r, city: 'Gdynia' } : r));
    const events = recordingPublisher();
    await runExport({ ...base, list: async () => day2, date: '2026-03-02', publish: events.publish });
    expect(events.details().map((d) => [d.change, d.id])).toEqual([['Updated', '7'], ['Deleted', '1']]);
    expect(events.details()[0]).toMatchObject({ changedFields: ['city'], previous: { city: 'Łódź' } });

    // The same day again, one more change: only that one, its previous value read from the day's own snapshot.
    const day2b = day2.map((r) => (r.id === '9' ? { ...r, name: 'Nowa nazwa' } : r));
    const again = recordingPublisher();
    await runExport({ ...base, list: async () => day2b, date: '2026-03-02', publish: again.publish });
    expect(again.details().map((d) => [d.change, d.id, d.changedFields, d.previous])).toEqual([['Updated', '9', ['name'], { name: 'Firma 9 sp. z o.o.' }]]);
  });

  it('references an oversize record by bucket and key', async () => {
    const store = createS3SnapshotStore({ client: localS3Client(s3.endpoint), bucket: 'exports' });
    const base = { modules: ['Products'] as const, store, domain: 'firma', now: steppingClock(), settings: { prefix: 'big', eventBus: 'bus', maxEventBytes: 262_144 } };
    await runExport({ ...base, list: async () => [{ id: '1', name: 'a' }], date: '2026-03-01' });
    const events = recordingPublisher();
    await runExport({ ...base, list: async () => [{ id: '1', name: 'a' }, { id: '2', name: 'x'.repeat(300_000) }], date: '2026-03-02', publish: events.publish });
    expect(events.details()[0]).toMatchObject({ detailType: 'Product Created', s3: { bucket: 'exports', key: snapshotKeys('big', 'Products', '2026-03-02').ndjson, line: 2 } });
  });
});
