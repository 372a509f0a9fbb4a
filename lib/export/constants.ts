import type { ModuleName } from '../csmart/modules.ts';

/** `source` of every change event. */
export const EVENT_SOURCE = 'csmart';

/** The record name used in change events' detail-type (`Account Created`), per module. */
export const RECORD_NAMES = {
  Accounts: 'Account',
  Events: 'Event',
  Opportunities: 'Opportunity',
  Quotes: 'Quote',
  SalesOrders: 'SalesOrder',
  Invoices: 'Invoice',
  Products: 'Product',
} as const satisfies Record<ModuleName, string>;

export const CHANGE_KINDS = ['Created', 'Updated', 'Deleted'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** EventBridge: at most 10 entries per PutEvents call. */
export const MAX_ENTRIES_PER_PUT = 10;

/** Entry size limits of EventBridge (and of one PutEvents request): 1 MB since January 2026, 256 KB before. */
export const EVENT_SIZE_LIMITS = { current: 1_048_576, before2026: 262_144 } as const;

/**
 * Text is handed to gzip in chunks of this many bytes: one record at a time is ~6× slower, and each chunk
 * is a round trip to the thread pool — 256 KB chunks stream about as fast as one `gzipSync` of the whole.
 */
export const GZIP_CHUNK_BYTES = 256 * 1024;

/**
 * zlib writes its output into buffers of this many bytes, a new one when one is full. A buffer filled over several
 * chunks (256 KB, zlib's size before) outlived two scavenges and was promoted: then it waited for a full GC as
 * garbage outside the heap, the gzipped file's whole size by the end of a run. One chunk's output fills a 64 KB
 * buffer or more, so they die young. Below glibc's mmap threshold (128 KB), they come from its heap, reused.
 */
export const GZIP_OUTPUT_CHUNK_BYTES = 64 * 1024;

/**
 * zlib's fastest level. Measured on a 100k-client List (bench/export): level 1 compresses the NDJSON
 * 2.4× and the CSV 3–4× faster than the default level 6, for files 23% (NDJSON) and 11% (CSV) larger;
 * levels 2–3 cost more time and save 1–2%. Storage of a few MB a night is cheap; the export's CPU is not.
 */
export const GZIP_LEVEL = 1;

/**
 * Gzipped files are stored as `application/gzip` without `Content-Encoding`, so a download stays the
 * `.gz` file its name promises instead of being unpacked by the browser under a `.gz` name.
 */
export const CONTENT_TYPES = { gzip: 'application/gzip', json: 'application/json', binary: 'application/octet-stream' } as const;

/** Defaults of every export setting; the caller passes what it wants to change. */
export const DEFAULT_EXPORT_SETTINGS = {
  prefix: 'csmart/',
  eventBus: 'default',
  /** A first snapshot of a module establishes the baseline silently instead of announcing every record. */
  emitOnFirstRun: false,
  maxEventBytes: EVENT_SIZE_LIMITS.current,
  /** Longer than a Lambda can run (15 min), so a live run's lock never expires under it. */
  lockTtlMs: 20 * 60 * 1000,
  /**
   * A run with a deadline (a Lambda's timeout) holds the lock until this long after it at most: a run
   * that timed out then blocks no longer than needed, and Lambda's retry (a minute later or more) runs.
   */
  lockDeadlineMarginMs: 30 * 1000,
  /** PutEvents calls in flight at once. */
  publishConcurrency: 4,
  /** Prefix `'` to text cells Excel would run as a formula (lead forms are filled in by strangers). */
  csvFormulaGuard: true,
  gzipLevel: GZIP_LEVEL,
} as const;

export type ExportSettings = {
  prefix: string;
  eventBus: string;
  emitOnFirstRun: boolean;
  maxEventBytes: number;
  lockTtlMs: number;
  lockDeadlineMarginMs: number;
  publishConcurrency: number;
  csvFormulaGuard: boolean;
  gzipLevel: number;
};
