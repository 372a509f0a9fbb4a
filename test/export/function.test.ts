import { gunzipSync } from 'node:zlib';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { coldStart, exportFunction as handler } from '../support/functions.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { startLocalS3, type LocalS3 } from '../../emulators/s3.ts';
import { useSandbox } from '../support/sandbox.ts';

// EventBridge has no local server to point the SDK at: a client mock records PutEvents instead.
const eventBridge = mockClient(EventBridgeClient);
const sandbox = useSandbox();
let s3: LocalS3;
const saved = { ...process.env };
const BUCKET = 'csmart-connect-test-exports';

beforeAll(async () => {
  s3 = await startLocalS3();
  const { endpoint, domain, email, password } = sandbox.demoCredentials;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1', AWS_MAX_ATTEMPTS: '1',
    CSMART_STAGE: 'test', CSMART_API_URL: endpoint, CSMART_DOMAIN: domain, CSMART_EMAIL: email, CSMART_PASSWORD: password,
    CSMART_EXPORT_BUCKET: BUCKET, CSMART_EXPORT_PREFIX: 'csmart/', CSMART_EVENT_BUS: 'csmart-test', CSMART_TIMEOUT_MS: '1000',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
afterAll(async () => {
  process.env = saved;
  await s3.close();
});
beforeEach(() => {
  coldStart();
  s3.objects.clear();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) }));
  vi.useRealTimers();
});

const run = (date: string) => handler({ date }, lambdaContext('export'));
const object = (key: string) => s3.objects.get(`${BUCKET}/${key}`);
const events = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('the export function', () => {
  it('holds the run lock until shortly after the invocation\'s timeout, not for a whole TTL', async () => {
    let held: { expiresAt: string } | undefined;
    s3.failWhen((request) => {
      const lock = object('csmart/_lock/export.json');
      if (!held && request.key.endsWith('manifest.json') && lock) held = JSON.parse(lock.body.toString('utf8')) as { expiresAt: string };
      return undefined;
    });
    const started = Date.now();
    await run('2026-11-27').finally(() => s3.failWhen(undefined));
    // lambdaContext gives 10 s remaining; the lock may outlive that by 30 s.
    expect(Date.parse(held!.expiresAt)).toBeGreaterThanOrEqual(started + 40_000);
    expect(Date.parse(held!.expiresAt)).toBeLessThanOrEqual(Date.now() + 40_000);
  });

  it('writes NDJSON, CSV and a manifest for every module, then events for exactly what changed', async () => {
    const store = sandbox.current.store;
    const kept = store.put('Accounts', { name: 'Stały klient', city: 'Kraków' });
    const changed = store.put('Accounts', { name: 'Zmieniany', city: 'Łódź' });
    const removed = store.put('Accounts', { name: 'Do usunięcia, "cytat"\nnowa linia' });

    const first = await run('2026-11-27');
    expect(first.modules.map((m) => m.module)).toEqual(['Accounts', 'Events', 'Opportunities', 'Quotes', 'SalesOrders', 'Invoices', 'Products']);
    expect(events()).toHaveLength(0); // a first run sets the baseline silently

    const ndjson = gunzipSync(object('csmart/Accounts/dt=2026-11-27/ndjson/Accounts-2026-11-27.ndjson.gz')!.body).toString('utf8');
    expect(ndjson.trim().split('\n').map((line) => JSON.parse(line))).toHaveLength(3);
    const csv = gunzipSync(object('csmart/Accounts/dt=2026-11-27/csv/Accounts-2026-11-27.csv.gz')!.body).toString('utf8');
    expect(csv.startsWith('\uFEFFid,name,city\r\n')).toBe(true);
    expect(csv).toContain('"Do usunięcia, ""cytat""\nnowa linia"');
    const manifest = JSON.parse(object('csmart/Accounts/dt=2026-11-27/manifest.json')!.body.toString('utf8'));
    expect(manifest).toMatchObject({ module: 'Accounts', count: 3, domain: 'demo' });

    store.update('Accounts', changed.id, { city: 'Gdańsk' });
    store.delete('Accounts', removed.id);
    const added = store.put('Accounts', { name: 'Nowy' });
    await run('2026-11-28');
    const sent = events();
    expect(sent.map((e) => `${e.DetailType} ${JSON.parse(e.Detail!).record?.id ?? JSON.parse(e.Detail!).id}`).sort()).toEqual([
      `Account Created ${added.id}`, `Account Deleted ${removed.id}`, `Account Updated ${changed.id}`,
    ].sort());
    expect(sent.every((e) => e.Source === 'csmart' && e.EventBusName === 'csmart-test')).toBe(true);
    const update = JSON.parse(sent.find((e) => e.DetailType === 'Account Updated')!.Detail!);
    expect(update.changedFields).toEqual(['city']);
    expect(JSON.stringify(sent)).not.toContain(`"id":"${kept.id}","name":"Stały`);

    eventBridge.resetHistory();
    await run('2026-11-28');
    expect(events()).toHaveLength(0); // the same day twice announces nothing twice
  });

  it('refuses to announce every record as deleted when CSMART suddenly lists none', async () => {
    sandbox.current.store.put('Accounts', { name: 'Jedyny klient' });
    await run('2026-11-20');
    sandbox.current.store.clear();
    await expect(run('2026-11-21')).rejects.toThrow(/Accounts/);
    expect(events()).toHaveLength(0);
    expect(object('csmart/Accounts/dt=2026-11-21/manifest.json')).toBeUndefined();
  });

  it('writes the other modules when one fails, and fails the run at the end', async () => {
    await fetch(`${sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 503, module: 'Invoices', action: 'List', count: -1 }) });
    await expect(run('2026-11-29')).rejects.toThrow(/Invoices/);
    expect(object('csmart/Accounts/dt=2026-11-29/manifest.json')).toBeDefined();
    expect(object('csmart/Products/dt=2026-11-29/manifest.json')).toBeDefined();
    expect(object('csmart/Invoices/dt=2026-11-29/manifest.json')).toBeUndefined();
  });

  // The heartbeat alarm (26 h without ExportSucceeded) must hear from a finished run only.
  it('publishes the ExportSucceeded heartbeat for a finished run, and none for a failed one', async () => {
    const heartbeats = async (act: () => Promise<unknown>) => {
      const write = process.stdout.write;
      const lines: string[] = [];
      process.stdout.write = ((chunk: unknown) => { lines.push(String(chunk)); return true; }) as typeof process.stdout.write;
      try {
        await act().catch(() => undefined);
      } finally {
        process.stdout.write = write;
      }
      return lines.join('').split('\n').filter((line) => line.startsWith('{"_aws"') && line.includes('"ExportSucceeded"')).length;
    };
    expect(await heartbeats(() => run('2026-11-25'))).toBe(1);
    await fetch(`${sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 503, module: 'Invoices', action: 'List', count: -1 }) });
    expect(await heartbeats(() => run('2026-11-26'))).toBe(0);
  });
});
