import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3SnapshotStore } from '../../lib/export/s3-snapshot-store.ts';
import type { SnapshotStore } from '../../lib/export/snapshot-store.ts';
import { localS3Client, startLocalS3, type LocalS3 } from '../../emulators/s3.ts';
import { tempStore } from './helpers.ts';

let s3: LocalS3;
let local: Awaited<ReturnType<typeof tempStore>>;

beforeAll(async () => {
  s3 = await startLocalS3();
  local = await tempStore();
});
afterAll(async () => {
  await s3.close();
  await local.cleanup();
});

const stores: Array<[string, () => SnapshotStore]> = [
  ['local directory', () => local.store],
  ['S3', () => createS3SnapshotStore({ client: localS3Client(s3.endpoint), bucket: 'exports' })],
];

describe.each(stores)('%s snapshot store', (_name, storeOf) => {
  it('stores a buffer and reads it back', async () => {
    const store = storeOf();
    expect(await store.put('a/b/one.json', Buffer.from('{"ł":1}'), 'application/json')).toEqual({ bytes: 8 });
    expect((await store.get('a/b/one.json'))?.toString()).toBe('{"ł":1}');
  });

  it('streams a body in and counts its bytes', async () => {
    const store = storeOf();
    const body = randomBytes(300_000);
    const result = await store.put('stream/blob.bin', Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]), 'application/octet-stream');
    expect(result.bytes).toBe(body.length);
    expect((await store.get('stream/blob.bin'))?.equals(body)).toBe(true);
    const stream = await store.getStream('stream/blob.bin');
    expect((await buffer(stream!)).equals(body)).toBe(true);
  });

  it('answers undefined for a missing object', async () => {
    const store = storeOf();
    expect(await store.get('missing/none.json')).toBeUndefined();
    expect(await store.getStream('missing/none.json')).toBeUndefined();
    expect(await store.getVersioned('missing/none.json')).toBeUndefined();
  });

  it('creates an object only once with putIfAbsent', async () => {
    const store = storeOf();
    const first = await store.putIfAbsent('locks/one', Buffer.from('first'), 'text/plain');
    const second = await store.putIfAbsent('locks/one', Buffer.from('second'), 'text/plain');
    expect(first).toBeTypeOf('string');
    expect(second).toBeUndefined();
    expect((await store.get('locks/one'))?.toString()).toBe('first');
  });

  it('replaces an object only at the version it was read at', async () => {
    const store = storeOf();
    const version = (await store.putIfAbsent('locks/two', Buffer.from('v1'), 'text/plain'))!;
    const next = await store.putIfMatch('locks/two', Buffer.from('v2'), 'text/plain', version);
    expect(next).toBeTypeOf('string');
    expect(await store.putIfMatch('locks/two', Buffer.from('v3'), 'text/plain', version)).toBeUndefined();
    expect((await store.getVersioned('locks/two'))).toEqual({ body: Buffer.from('v2'), version: next });
    expect(await store.deleteIfMatch('locks/two', version)).toBe(false);
    expect(await store.deleteIfMatch('locks/two', next!)).toBe(true);
    expect(await store.get('locks/two')).toBeUndefined();
  });

  it('deletes an object, and a missing one without complaint', async () => {
    const store = storeOf();
    await store.put('del/x', Buffer.from('x'), 'text/plain');
    await store.delete('del/x');
    await store.delete('del/x');
    expect(await store.get('del/x')).toBeUndefined();
  });

  it('lists the sub-folders of a folder', async () => {
    const store = storeOf();
    await store.put('p/Accounts/dt=2026-03-01/manifest.json', Buffer.from('{}'), 'application/json');
    await store.put('p/Accounts/dt=2026-03-02/ndjson/a.gz', Buffer.from('x'), 'application/gzip');
    await store.put('p/Accounts/notes.txt', Buffer.from('x'), 'text/plain');
    expect((await store.listFolders('p/Accounts')).sort()).toEqual(['dt=2026-03-01', 'dt=2026-03-02']);
    expect(await store.listFolders('p/Nothing')).toEqual([]);
  });

  it('keeps the old object readable until a streamed put ends', async () => {
    const store = storeOf();
    await store.put('atomic/file', Buffer.from('old'), 'text/plain');
    const body = new Readable({ read() {} });
    const putting = store.put('atomic/file', body, 'text/plain');
    body.push('new ');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.get('atomic/file'))?.toString()).toBe('old');
    body.push('content');
    body.push(null);
    await putting;
    expect((await store.get('atomic/file'))?.toString()).toBe('new content');
  });

  it('fails a streamed put whose body fails, leaving the old object', async () => {
    const store = storeOf();
    await store.put('atomic/failing', Buffer.from('old'), 'text/plain');
    const body = new Readable({ read() {} });
    const putting = store.put('atomic/failing', body, 'text/plain');
    body.push('partial');
    setTimeout(() => body.destroy(new Error('source broke')), 20);
    await expect(putting).rejects.toThrow();
    expect((await store.get('atomic/failing'))?.toString()).toBe('old');
  });
});

describe('S3 snapshot store specifics', () => {
  it('streams a large body as a multipart upload', async () => {
    const store = createS3SnapshotStore({ client: localS3Client(s3.endpoint), bucket: 'exports', partSize: 5 * 1024 * 1024 });
    const body = randomBytes(12 * 1024 * 1024);
    const chunks = Array.from({ length: 12 }, (_, i) => body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    const before = s3.requests.length;
    await store.put('big/object.bin', Readable.from(chunks), 'application/gzip');
    const calls = s3.requests.slice(before);
    expect(calls.filter((r) => r.method === 'PUT' && r.query.partNumber)).toHaveLength(3);
    expect(calls.some((r) => r.method === 'POST' && 'uploadId' in r.query)).toBe(true);
    expect(s3.objects.get('exports/big/object.bin')?.body.equals(body)).toBe(true);
    expect(s3.objects.get('exports/big/object.bin')?.contentType).toBe('application/gzip');
  });

  it('refuses an empty bucket name', () => {
    expect(() => createS3SnapshotStore({ client: localS3Client(s3.endpoint), bucket: '' })).toThrow(/bucket/);
  });

  it('references objects by bucket and key', () => {
    const store = createS3SnapshotStore({ client: localS3Client(s3.endpoint), bucket: 'exports' });
    expect(store.locate('a/b.gz')).toEqual({ bucket: 'exports', key: 'a/b.gz' });
    expect(store.describe('a/b.gz')).toBe('s3://exports/a/b.gz');
  });
});

describe('local snapshot store specifics', () => {
  it('refuses keys that leave its directory', async () => {
    await expect(local.store.put('../escape', Buffer.from('x'), 'text/plain')).rejects.toThrow(/outside/);
  });
});
