import { createHash } from 'node:crypto';
import type { CsmartRecord, ModuleName } from '../csmart/modules.ts';
import { findBaseline } from './baseline.ts';
import { changeEntries, batchEntries } from './change-events.ts';
import { resolveChanges, type ResolvedChanges } from './changes.ts';
import { CONTENT_TYPES, type ExportSettings } from './constants.ts';
import { writeCsv } from './csv.ts';
import { diffSnapshots } from './diff.ts';
import { publishInBatches, type PublishEvents } from './event-publisher.ts';
import { ExportError } from './errors.ts';
import { describeFields } from './field-schema.ts';
import { beginGzipUpload, type GzipUpload, type StoredFile } from './gzip-stream.ts';
import { snapshotKeys } from './layout.ts';
import { buildManifest, type ExportManifest } from './manifest.ts';
import { readNdjsonLines, writeNdjson } from './ndjson.ts';
import { encodeSnapshotIndex, type SnapshotIndex } from './snapshot-index.ts';
import type { SnapshotStore } from './snapshot-store.ts';

export type ExportModuleInputs = {
  module: ModuleName;
  records: readonly CsmartRecord[];
  store: SnapshotStore;
  /** Absent for targets without change events (a local directory). */
  publish: PublishEvents | undefined;
  date: string;
  domain: string;
  now: () => Date;
  startedAt: Date;
  settings: ExportSettings;
};

/** What one module's export produced; the manifest as written. */
export type ModuleExport = {
  manifest: ExportManifest;
  /** Gzipped bytes written (NDJSON + CSV). */
  bytes: number;
};

const NO_CHANGES: ResolvedChanges = { changes: [], created: 0, updated: 0, deleted: 0, unchanged: 0 };

async function streamInto<T>(upload: GzipUpload, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    await upload.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/**
 * Exports one module's records for one day and announces what changed. Order matters:
 *  1. NDJSON streamed, hashing each line; diff against the baseline index; the previous versions of
 *     changed records read from the baseline NDJSON — before the new NDJSON replaces it (a rerun).
 *  2. On a rerun the day's manifest and index are deleted before its NDJSON is replaced, so a crash
 *     from there on falls back to the previous day's consistent index and NDJSON.
 *  3. CSV; then change events; then the index (the announced state); the manifest last.
 * A failure before the index is written leaves the baseline as it was: the next run announces the
 * same changes again, with the same event ids (at-least-once).
 */
export async function exportModule(inputs: ExportModuleInputs): Promise<ModuleExport> {
  const { module, records, store, publish, date, domain, now, settings } = inputs;
  const keys = snapshotKeys(settings.prefix, module, date);
  const gzip = { level: settings.gzipLevel };
  const fields = describeFields(records);
  const baseline = await findBaseline(store, settings.prefix, module, date);
  const previousIndex: SnapshotIndex | undefined = baseline?.index;
  // CSMART answering an empty list for a module that had records is far likelier a glitch than a mass
  // deletion: announcing every record as deleted (and re-created tomorrow) would mislead every consumer.
  if (records.length === 0 && previousIndex && previousIndex.ids.length > 0) {
    throw new ExportError('empty_list', `${module}: CSMART listed no records, but the snapshot of ${baseline?.date} has ${previousIndex.ids.length}; nothing was written`);
  }

  const ndjson = beginGzipUpload(store, keys.ndjson, CONTENT_TYPES.gzip, gzip);
  const { current, resolved } = await streamInto(ndjson, async () => {
    const current = await writeNdjson(records, ndjson.writer);
    if (!previousIndex && !settings.emitOnFirstRun) return { current, resolved: NO_CHANGES };
    const diff = diffSnapshots(previousIndex, current);
    let previousRecords = new Map<number, CsmartRecord>();
    const lines = [...diff.updated.map((u) => u.previousLine), ...diff.deleted.map((d) => d.previousLine)];
    if (previousIndex && lines.length > 0) {
      const stream = await store.getStream(previousIndex.ndjson);
      if (stream) previousRecords = await readNdjsonLines(stream, lines);
    }
    const resolved = resolveChanges({
      diff, records, current, previous: previousIndex, previousRecords,
      currentNdjson: store.locate(keys.ndjson),
      // On a rerun the previous NDJSON is the one being replaced: it cannot be referenced afterwards.
      previousNdjson: previousIndex && previousIndex.ndjson !== keys.ndjson ? store.locate(previousIndex.ndjson) : undefined,
    });
    return { current, resolved };
  });
  if (baseline?.date === date) {
    await streamInto(ndjson, async () => {
      await store.delete(keys.manifest);
      await store.delete(keys.index);
    });
  }
  const ndjsonFile = await ndjson.finish();

  const csv = beginGzipUpload(store, keys.csv, CONTENT_TYPES.gzip, gzip);
  await streamInto(csv, () => writeCsv(records, fields.map((f) => f.name), csv.writer, { formulaGuard: settings.csvFormulaGuard }));
  const csvFile = await csv.finish();

  let events = 0;
  if (publish && resolved.changes.length > 0) {
    const context = { module, date, domain, eventBus: settings.eventBus, maxEventBytes: settings.maxEventBytes };
    const batches = batchEntries(changeEntries(resolved.changes, context), { maxBytes: settings.maxEventBytes });
    events = await publishInBatches(batches, publish, settings.publishConcurrency);
  }

  const index: SnapshotIndex = { version: 1, module, date, ndjson: keys.ndjson, hash: 'sha1-base64url-of-ndjson-line', ...current };
  const encoded = encodeSnapshotIndex(index);
  await store.put(keys.index, encoded.body, CONTENT_TYPES.gzip);
  const indexFile: StoredFile = {
    key: keys.index, contentType: CONTENT_TYPES.gzip, bytes: encoded.body.length,
    sha256: createHash('sha256').update(encoded.body).digest('hex'), uncompressedBytes: encoded.uncompressedBytes,
  };

  const manifest = buildManifest({
    module, date, domain, count: records.length, fields,
    files: { ndjson: ndjsonFile, csv: csvFile, index: indexFile },
    changes: {
      baseline: baseline?.date ?? null,
      created: resolved.created, updated: resolved.updated, deleted: resolved.deleted, unchanged: resolved.unchanged,
      events,
    },
    startedAt: inputs.startedAt,
    finishedAt: now(),
  });
  await store.put(keys.manifest, Buffer.from(JSON.stringify(manifest, null, 2)), CONTENT_TYPES.json);
  return { manifest, bytes: ndjsonFile.bytes + csvFile.bytes };
}
