import { createHash } from 'node:crypto';
import type { ListedRecord } from '../csmart/list-stream.ts';
import type { CsmartRecord, ModuleName } from '../csmart/modules.ts';
import { findBaseline } from './baseline.ts';
import { changeEntries, batchEntries } from './change-events.ts';
import { resolveChanges, type ResolvedChanges } from './changes.ts';
import { CONTENT_TYPES, type ExportSettings } from './constants.ts';
import { csvHeader, csvRow } from './csv.ts';
import { diffSnapshots } from './diff.ts';
import { publishInBatches, type PublishEvents } from './event-publisher.ts';
import { ExportError } from './errors.ts';
import { FieldCollector } from './field-schema.ts';
import { beginGzipUpload, type GzipUpload, type StoredFile } from './gzip-stream.ts';
import { snapshotKeys } from './layout.ts';
import { buildManifest, type ExportManifest } from './manifest.ts';
import { HashList, hashListCapacity } from './hash-list.ts';
import { ndjsonRecords, readNdjsonLines } from './ndjson.ts';
import { contentHash, type ContentHash } from './record-hash.ts';
import { encodeSnapshotIndex, type SnapshotIndex } from './snapshot-index.ts';
import type { SnapshotStore } from './snapshot-store.ts';

export type ExportModuleInputs = {
  module: ModuleName;
  /** The module's List as it streams in (the CSMART client's `listStream`), each record with its own bytes. */
  records: AsyncIterable<ListedRecord[]>;
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

/**
 * What the stream left behind: ids and hashes by line, the fields seen, and whether the CSV header held them all.
 * `compared`: the same lines hashed as the baseline's index was, when it holds another kind (SHA-1, the night
 * after the upgrade): the diff compares those, the index stores `hashes`.
 */
type Written = { hashes: HashList; compared: HashList | undefined; fields: FieldCollector; csvComplete: boolean };

/**
 * Exports one module's records for one day and announces what changed. Nothing but ids and hashes is
 * kept per record: the List streams straight into the two gzipped uploads. Order matters:
 *  1. As records arrive: the NDJSON line (the record's own bytes) and its hash, the CSV row (from the
 *     parsed record), both compressed and uploaded as they are produced.
 *  2. Diff against the baseline index; the previous versions of changed records read from the baseline
 *     NDJSON — before the new NDJSON replaces it (a rerun). On a rerun the day's manifest and index are
 *     deleted before its NDJSON is replaced, so a crash from there on falls back to the previous day's
 *     consistent index and NDJSON.
 *  3. The current versions of changed records read back from the new NDJSON; then change events; then
 *     the index (the announced state); the manifest last.
 * A failure before the index is written leaves the baseline as it was: the next run announces the
 * same changes again, with the same event ids (at-least-once).
 */
export async function exportModule(inputs: ExportModuleInputs): Promise<ModuleExport> {
  const { module, store, publish, date, domain, now, settings } = inputs;
  const keys = snapshotKeys(settings.prefix, module, date);
  const gzip = { level: settings.gzipLevel };
  const baseline = await findBaseline(store, settings.prefix, module, date);
  const previousIndex: SnapshotIndex | undefined = baseline?.index;
  const previous = previousIndex?.records;
  const hasher = await contentHash();
  // The baseline's lines are checked, and today's compared with them, by the hash its index holds.
  const previousHasher = previous ? await contentHash(previous.kind) : undefined;

  // Nothing is started before CSMART answered: the first batch (or the end of an empty list) comes first.
  const iterator = inputs.records[Symbol.asyncIterator]();
  const first = await iterator.next();
  // CSMART answering an empty list for a module that had records is far likelier a glitch than a mass
  // deletion: announcing every record as deleted (and re-created tomorrow) would mislead every consumer.
  if (first.done && previous && previous.count > 0) {
    throw new ExportError('empty_list', `${module}: CSMART listed no records, but the snapshot of ${baseline?.date} has ${previous.count}; nothing was written`);
  }
  const rest: AsyncIterable<ListedRecord[]> = {
    async *[Symbol.asyncIterator]() {
      try {
        if (!first.done) yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        // Given up early (a failed upload): the List stops reading its answer.
        await iterator.return?.();
      }
    },
  };

  const ndjson = beginGzipUpload(store, keys.ndjson, CONTENT_TYPES.gzip, gzip);
  let csv = beginGzipUpload(store, keys.csv, CONTENT_TYPES.gzip, gzip);
  const csvOptions = { formulaGuard: settings.csvFormulaGuard };
  const written = await streamInto([ndjson, csv], () => writeStream(rest, ndjson, csv, csvOptions, hasher, previousHasher, previous?.count));
  const hashes = written.hashes;

  const diff = previous || settings.emitOnFirstRun ? diffSnapshots(previous, written.compared ?? hashes) : undefined;
  const { previousRecords, previousHashes } = await streamInto([ndjson, csv], async () => {
    const found = { previousRecords: new Map<number, CsmartRecord>(), previousHashes: new Map<number, string>() };
    const lines = diff ? [...diff.updated.map((u) => u.previousLine), ...diff.deleted.map((d) => d.previousLine)] : [];
    if (previousIndex && previousHasher && lines.length > 0) {
      const stream = await store.getStream(previousIndex.ndjson);
      if (stream) found.previousRecords = await readNdjsonLines(stream, lines, { hashes: { into: found.previousHashes, hasher: previousHasher } });
    }
    if (baseline?.date === date) {
      await store.delete(keys.manifest);
      await store.delete(keys.index);
      await store.delete(keys.legacyIndex);
    }
    return found;
  });
  const ndjsonFile = await streamInto([csv], () => ndjson.finish());

  let resolved = NO_CHANGES;
  if (diff) {
    // The records that changed, read back from the NDJSON just written: the stream kept none of them.
    const wanted = [...diff.created, ...diff.updated.map((u) => u.index)];
    const records: CsmartRecord[] = [];
    if (wanted.length > 0) {
      const stream = await streamInto([csv], () => store.getStream(keys.ndjson));
      if (stream) for (const [line, record] of await readNdjsonLines(stream, wanted)) records[line] = record;
    }
    resolved = resolveChanges({
      diff, records, current: hashes, previous, previousRecords, previousHashes, previousHasher,
      currentNdjson: store.locate(keys.ndjson),
      // On a rerun the previous NDJSON is the one being replaced: it cannot be referenced afterwards.
      previousNdjson: previousIndex && previousIndex.ndjson !== keys.ndjson ? store.locate(previousIndex.ndjson) : undefined,
    });
  }

  const fields = written.fields.fields();
  if (!written.csvComplete) {
    // A field appeared after the CSV header was written (CSMART's lists have fixed columns, so this is
    // rare): write the CSV again from the NDJSON just stored, with every field in the header.
    await csv.abort(new Error('the CSV is written again with every field'));
    csv = beginGzipUpload(store, keys.csv, CONTENT_TYPES.gzip, gzip);
    await streamInto([csv], () => csvFromNdjson(store, keys.ndjson, fields.map((f) => f.name), csv, csvOptions));
  }
  const csvFile = await csv.finish();

  let events = 0;
  if (publish && resolved.changes.length > 0) {
    const context = { module, date, domain, baseline: baseline?.date ?? null, eventBus: settings.eventBus, maxEventBytes: settings.maxEventBytes };
    const batches = batchEntries(changeEntries(resolved.changes, context), { maxBytes: settings.maxEventBytes });
    events = await publishInBatches(batches, publish, settings.publishConcurrency);
  }

  const encoded = encodeSnapshotIndex({ module, date, ndjson: keys.ndjson, records: hashes });
  await store.put(keys.index, encoded, CONTENT_TYPES.binary);
  const indexFile: StoredFile = {
    key: keys.index, contentType: CONTENT_TYPES.binary, bytes: encoded.length,
    sha256: createHash('sha256').update(encoded).digest('hex'), uncompressedBytes: encoded.length,
  };

  const manifest = buildManifest({
    module, date, domain, count: hashes.count, fields,
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

async function streamInto<T>(uploads: GzipUpload[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    await Promise.all(uploads.map((upload) => upload.abort(reason)));
    throw error;
  }
}

/**
 * Writes the List as it streams in: each record's own bytes as its NDJSON line, hashed as they are;
 * its CSV row from the parsed record, under a header of the fields of the first batch. Keeps only ids
 * and hashes. Waits for a writer only when its gzip asks to (the reader of its upload is slower).
 */
async function writeStream(
  stream: AsyncIterable<ListedRecord[]>, ndjson: GzipUpload, csv: GzipUpload, csvOptions: { formulaGuard: boolean },
  hasher: ContentHash, previousHasher: ContentHash | undefined, expected: number | undefined,
): Promise<Written> {
  const capacity = hashListCapacity(expected);
  const hashes = new HashList(hasher.kind, capacity);
  const compared = previousHasher && previousHasher.kind !== hasher.kind ? { list: new HashList(previousHasher.kind, capacity), hasher: previousHasher } : undefined;
  const fields = new FieldCollector();
  let header: string[] | undefined;
  for await (const batch of stream) {
    if (!header) {
      const first = new FieldCollector();
      for (const { record } of batch) first.add(record);
      header = first.names();
      const waiting = csv.writer.write(csvHeader(header, csvOptions));
      if (waiting) await waiting;
    }
    // A batch's CSV rows are encoded by one write: a write per row cost more than the rows themselves.
    let rows = '';
    for (const { record, bytes } of batch) {
      const line = ndjson.writer.writeLineBytes(bytes);
      hashes.add(record.id, bytes, hasher);
      compared?.list.add(record.id, bytes, compared.hasher);
      fields.add(record);
      rows += csvRow(record, header, csvOptions);
      if (line) await line;
    }
    const written = csv.writer.write(rows);
    if (written) await written;
  }
  if (!header) {
    const waiting = csv.writer.write(csvHeader(fields.names(), csvOptions));
    if (waiting) await waiting;
  }
  // Both began with `id`; more names than the header means a field came after it was written.
  return { hashes, compared: compared?.list, fields, csvComplete: header === undefined || fields.names().length === header.length };
}

/** The CSV written again from a stored gzipped NDJSON, line by line (never the whole file in memory). */
async function csvFromNdjson(store: SnapshotStore, key: string, header: string[], csv: GzipUpload, csvOptions: { formulaGuard: boolean }): Promise<void> {
  const stream = await store.getStream(key);
  if (!stream) throw new ExportError('store', `${key} could not be read back to write its CSV`);
  const waiting = csv.writer.write(csvHeader(header, csvOptions));
  if (waiting) await waiting;
  for await (const record of ndjsonRecords(stream)) {
    const row = csv.writer.write(csvRow(record, header, csvOptions));
    if (row) await row;
  }
}
