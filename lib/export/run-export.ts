import { randomUUID } from 'node:crypto';
import type { ListedRecord } from '../csmart/list-stream.ts';
import { isModuleName, type CsmartRecord, type ModuleName } from '../csmart/modules.ts';
import { DEFAULT_EXPORT_SETTINGS, type ExportSettings } from './constants.ts';
import { ExportConfigError, ExportFailedError, ExportLockLostError } from './errors.ts';
import type { PublishEvents } from './event-publisher.ts';
import { acquireExportLock } from './export-lock.ts';
import { exportModule } from './export-module.ts';
import { isExportDate, lockKey } from './layout.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** One module's outcome, as the run reports it in its log and metrics. */
export type ModuleResult = {
  module: ModuleName;
  status: 'ok' | 'failed';
  /** Records listed and written. */
  count: number;
  /** Gzipped bytes written (NDJSON + CSV). */
  bytes: number;
  created: number;
  updated: number;
  deleted: number;
  /** Change events published. */
  events: number;
  /** Date of the snapshot diffed against; null on a first run. */
  baseline: string | null;
  durationMs: number;
  error?: { code: string; message: string };
};

export type ExportProgress =
  | { phase: 'started'; module: ModuleName }
  | { phase: 'finished'; module: ModuleName; result: ModuleResult };

export type RunExportOptions = {
  modules: readonly ModuleName[];
  /** Lists one module as it streams in (the CSMART client's `listStream`): nothing is held per record. */
  listStream?: (module: ModuleName) => AsyncIterable<ListedRecord[]>;
  /** Or lists one module whole (the CSMART client's `list`; tests and small tools). One of the two is needed. */
  list?: (module: ModuleName) => Promise<CsmartRecord[]>;
  store: SnapshotStore;
  /** Sends one batch of change events; absent for targets without events. */
  publish?: PublishEvents;
  /** The snapshot's date, `YYYY-MM-DD` (the caller decides: today in the CRM's time zone). */
  date: string;
  /** The CSMART domain, recorded in manifests and events. */
  domain: string;
  now: () => Date;
  settings?: Partial<ExportSettings>;
  onProgress?: (progress: ExportProgress) => void;
  /** Identifies this run in the lock; random by default. */
  runId?: string;
  /** When the run is stopped at the latest (the Lambda's timeout); its lock expires `lockDeadlineMarginMs` after. */
  deadline?: Date;
};

export type ExportRunResult = { runId: string; date: string; results: ModuleResult[] };

/** An error as a result shows it: its stable code and its message (which never carries secrets). */
function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : error.name, message: error.message.slice(0, 500) };
  }
  return { code: 'unknown', message: String(error).slice(0, 500) };
}

function failedResult(module: ModuleName, started: number, now: () => Date, error: unknown): ModuleResult {
  return {
    module, status: 'failed', count: 0, bytes: 0, created: 0, updated: 0, deleted: 0, events: 0, baseline: null,
    durationMs: now().getTime() - started, error: describeError(error),
  };
}

/**
 * Exports each module in turn under a run lock. A module that fails does not stop the others; its
 * result says `failed`. Throws ExportLockedError (having written nothing) when another run holds the
 * lock. The caller logs the results and calls `assertExportSucceeded` at the end, so the schedule's
 * retry policy and DLQ take over when a module failed.
 */
export async function runExport(options: RunExportOptions): Promise<ExportRunResult> {
  const { store, publish, date, domain, now, onProgress } = options;
  const listed = options.listStream ?? (options.list ? wholeList(options.list) : undefined);
  if (!listed) throw new ExportConfigError('runExport needs listStream or list');
  const settings: ExportSettings = { ...DEFAULT_EXPORT_SETTINGS, ...options.settings };
  if (!isExportDate(date)) throw new ExportConfigError(`The export date must be YYYY-MM-DD, got "${date}".`);
  const unknown = options.modules.filter((module) => !isModuleName(module));
  if (unknown.length > 0) throw new ExportConfigError(`Unknown module(s): ${unknown.join(', ')}.`);
  const modules = [...new Set(options.modules)];
  const runId = options.runId ?? randomUUID();

  const expiresBy = options.deadline && new Date(options.deadline.getTime() + settings.lockDeadlineMarginMs);
  const lock = await acquireExportLock(store, lockKey(settings.prefix), { owner: runId, ttlMs: settings.lockTtlMs, now, ...(expiresBy ? { expiresBy } : {}) });
  const results: ModuleResult[] = [];
  let lockLost: ExportLockLostError | undefined;
  try {
    for (const module of modules) {
      const startedAt = now();
      const started = startedAt.getTime();
      onProgress?.({ phase: 'started', module });
      let result: ModuleResult;
      try {
        if (lockLost) throw lockLost;
        // Each module runs on a freshly extended lock; a run that lost it stops writing.
        if (results.length > 0) await lock.renew();
        const { manifest, bytes } = await exportModule({ module, records: listed(module), store, publish, date, domain, now, startedAt, settings });
        const { created, updated, deleted, events, baseline } = manifest.changes;
        result = {
          module, status: 'ok', count: manifest.count, bytes, created, updated, deleted, events, baseline,
          durationMs: now().getTime() - started,
        };
      } catch (error) {
        if (error instanceof ExportLockLostError) lockLost = error;
        result = failedResult(module, started, now, error);
      }
      results.push(result);
      onProgress?.({ phase: 'finished', module, result });
    }
  } finally {
    // A lock that cannot be released expires on its own; the results matter more than this error.
    if (!lockLost) await lock.release().catch(() => undefined);
  }
  return { runId, date, results };
}

/** A whole list as the stream the export reads: each record's bytes are its `JSON.stringify`. */
function wholeList(list: (module: ModuleName) => Promise<CsmartRecord[]>): (module: ModuleName) => AsyncIterable<ListedRecord[]> {
  return async function* (module) {
    const records = await list(module);
    for (let at = 0; at < records.length; at += 1024) {
      yield records.slice(at, at + 1024).map((record) => ({ record, bytes: Buffer.from(JSON.stringify(record)) }));
    }
  };
}

/** Throws ExportFailedError naming the failed modules, if any. */
export function assertExportSucceeded(run: Pick<ExportRunResult, 'results'>): void {
  const failed = run.results.filter((result) => result.status === 'failed').map((result) => result.module);
  if (failed.length > 0) throw new ExportFailedError(failed);
}
