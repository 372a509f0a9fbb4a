import { hash } from 'node:crypto';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { CsmartRecord, ModuleName } from '../csmart/modules.ts';
import type { Change, RecordLocation } from './changes.ts';
import { EVENT_SOURCE, MAX_ENTRIES_PER_PUT, RECORD_NAMES, type ChangeKind } from './constants.ts';
import { ExportEventTooLargeError } from './errors.ts';

/** The `detail` of a change event (JSON Schema: schemas/change-events/detail.schema.json). */
export type ChangeEventDetail = {
  /** The same for the same change against the same announced snapshot, also when a run is repeated: consumers dedupe on it. */
  eventId: string;
  change: ChangeKind;
  module: ModuleName;
  /** The snapshot date (`dt`) the change was found in. */
  date: string;
  domain: string;
  id: string;
  record?: CsmartRecord;
  changedFields?: string[];
  previous?: Record<string, unknown>;
  /** Instead of `record` and `previous` when the event would be too large: where the record is stored. */
  s3?: RecordLocation;
};

export type ChangeEventContext = {
  module: ModuleName;
  date: string;
  domain: string;
  /** Date of the snapshot diffed against (the last announced state); null on a first run. */
  baseline: string | null;
  eventBus: string;
  /** Largest entry EventBridge accepts (1 MB today, 256 KB before 2026). */
  maxEventBytes: number;
};

export function detailType(module: ModuleName, kind: ChangeKind): string {
  return `${RECORD_NAMES[module]} ${kind}`;
}

/**
 * A deterministic event id: domain, module, record id, kind, the baseline's date and the content hash the
 * change leads to. The baseline, not today's date: a run that failed before writing its index (after
 * Lambda's retries too) leaves the baseline as it was, so the next night announces the same change again
 * under the same id, and consumers can drop what the failed night already sent.
 */
export function changeEventId(context: Pick<ChangeEventContext, 'domain' | 'module' | 'baseline'>, change: Pick<Change, 'kind' | 'id' | 'hash'>): string {
  const identity = [context.domain, context.module, change.id, change.kind, context.baseline ?? '', change.hash].join('\u0000');
  return hash('sha256', identity, 'base64url').slice(0, 32);
}

/**
 * The size EventBridge counts for an entry: UTF-8 bytes of Source, DetailType, Detail and each of
 * Resources, plus 14 bytes when Time is set. The bus name does not count.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  size += Buffer.byteLength(entry.Source ?? '', 'utf8');
  size += Buffer.byteLength(entry.DetailType ?? '', 'utf8');
  size += Buffer.byteLength(entry.Detail ?? '', 'utf8');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, 'utf8');
  return size;
}

function entryOf(context: ChangeEventContext, kind: ChangeKind, detail: ChangeEventDetail): PutEventsRequestEntry {
  return { Source: EVENT_SOURCE, DetailType: detailType(context.module, kind), Detail: JSON.stringify(detail), EventBusName: context.eventBus };
}

/**
 * The PutEvents entry of one change. When the record makes it larger than `maxEventBytes`, the detail
 * carries an `s3` reference to the record's line in the NDJSON instead of the record (and the changed
 * field names, when they still fit).
 */
export function buildChangeEntry(change: Change, context: ChangeEventContext): PutEventsRequestEntry {
  const base: ChangeEventDetail = {
    eventId: changeEventId(context, change),
    change: change.kind,
    module: context.module,
    date: context.date,
    domain: context.domain,
    id: change.id,
  };
  const full: ChangeEventDetail = { ...base };
  if (change.record !== undefined) full.record = change.record;
  if (change.changedFields) full.changedFields = change.changedFields;
  if (change.previous) full.previous = change.previous;
  const entry = entryOf(context, change.kind, full);
  if (entrySize(entry) <= context.maxEventBytes) return entry;

  const references: ChangeEventDetail[] = [];
  if (change.location) {
    if (change.changedFields) references.push({ ...base, changedFields: change.changedFields, s3: change.location });
    references.push({ ...base, s3: change.location });
  } else {
    references.push(base);
  }
  for (const detail of references) {
    const reference = entryOf(context, change.kind, detail);
    if (entrySize(reference) <= context.maxEventBytes) return reference;
  }
  throw new ExportEventTooLargeError(change.id, entrySize(entryOf(context, change.kind, base)), context.maxEventBytes);
}

/** Entries of a sequence of changes, built one at a time as they are consumed. */
export function* changeEntries(changes: Iterable<Change>, context: ChangeEventContext): Generator<PutEventsRequestEntry> {
  for (const change of changes) yield buildChangeEntry(change, context);
}

/**
 * Groups entries into PutEvents calls: at most 10 entries, and at most `maxBytes` in all (EventBridge
 * limits a request's total entry size like a single entry's). Lazy, so a large run never holds all
 * entries at once.
 */
export function* batchEntries(entries: Iterable<PutEventsRequestEntry>, limits: { maxBytes: number; maxEntries?: number }): Generator<PutEventsRequestEntry[]> {
  const maxEntries = limits.maxEntries ?? MAX_ENTRIES_PER_PUT;
  let batch: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (batch.length > 0 && (batch.length >= maxEntries || bytes + size > limits.maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
