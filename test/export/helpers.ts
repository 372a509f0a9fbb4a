import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { CsmartRecord } from '../../lib/csmart/modules.ts';
import type { ChangeEventDetail } from '../../lib/export/change-events.ts';
import { createLocalSnapshotStore } from '../../lib/export/local-snapshot-store.ts';
import type { SnapshotStore } from '../../lib/export/snapshot-store.ts';

/** A local snapshot store in a fresh temporary directory. */
export async function tempStore(): Promise<{ store: SnapshotStore; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'csmart-export-'));
  return { store: createLocalSnapshotStore(dir), dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function account(id: number, fields: Record<string, unknown> = {}): CsmartRecord {
  return { id: String(id), name: `Firma ${id} sp. z o.o.`, nip: `52${String(id).padStart(8, '0')}`, city: 'Łódź', ...fields };
}

export function accounts(count: number): CsmartRecord[] {
  return Array.from({ length: count }, (_, i) => account(i + 1));
}

export function gunzipText(body: Buffer | undefined): string {
  if (!body) throw new Error('no such object');
  return gunzipSync(body).toString('utf8');
}

export function parseNdjson(body: Buffer | undefined): CsmartRecord[] {
  return gunzipText(body).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as CsmartRecord);
}

/** A publish function that records every batch it was given. */
export function recordingPublisher(): { publish: (entries: PutEventsRequestEntry[]) => Promise<void>; batches: PutEventsRequestEntry[][]; details: () => Array<ChangeEventDetail & { detailType: string }> } {
  const batches: PutEventsRequestEntry[][] = [];
  return {
    batches,
    publish: async (entries) => { batches.push(entries); },
    details: () => batches.flat().map((entry) => ({ ...(JSON.parse(entry.Detail!) as ChangeEventDetail), detailType: entry.DetailType! })),
  };
}

/** A clock that starts at a fixed instant and moves a second per reading. */
export function steppingClock(start = '2026-03-02T01:00:00Z', stepMs = 1000): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += stepMs;
    return now;
  };
}
