import type { ModuleName } from '../csmart/modules.ts';
import type { FieldSchema } from './field-schema.ts';
import type { StoredFile } from './gzip-stream.ts';

/** Counts of what changed since the baseline, and how many events went out for it. */
export type ManifestChanges = {
  /** Date of the snapshot diffed against; null on a module's first run. */
  baseline: string | null;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Change events published by this run (0 on a silent first run or for a target without events). */
  events: number;
};

/** `manifest.json` of one module's snapshot, written after everything else. */
export type ExportManifest = {
  version: 1;
  module: ModuleName;
  date: string;
  /** The CSMART domain the records came from. */
  domain: string;
  startedAt: string;
  finishedAt: string;
  count: number;
  files: { ndjson: StoredFile; csv: StoredFile; index: StoredFile };
  /** Every field seen in the list, `id` first, then in first-seen order (the CSV header). */
  fields: FieldSchema[];
  changes: ManifestChanges;
};

export type ManifestInputs = Omit<ExportManifest, 'version' | 'startedAt' | 'finishedAt'> & { startedAt: Date; finishedAt: Date };

export function buildManifest(inputs: ManifestInputs): ExportManifest {
  const { module, date, domain, count, files, fields, changes } = inputs;
  return {
    version: 1, module, date, domain,
    startedAt: inputs.startedAt.toISOString(),
    finishedAt: inputs.finishedAt.toISOString(),
    count, files, fields, changes,
  };
}
