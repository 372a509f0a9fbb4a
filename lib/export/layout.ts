import type { ModuleName } from '../csmart/modules.ts';
import { ExportConfigError } from './errors.ts';

/**
 * Where everything lives in the store, relative to its root (the bucket, or the local directory):
 *
 *   <prefix>/<Module>/dt=YYYY-MM-DD/ndjson/<Module>-YYYY-MM-DD.ndjson.gz   one Athena partition, nothing else in it
 *   <prefix>/<Module>/dt=YYYY-MM-DD/csv/<Module>-YYYY-MM-DD.csv.gz
 *   <prefix>/<Module>/dt=YYYY-MM-DD/index.bin                             ids and content hashes, for the next diff
 *   <prefix>/<Module>/dt=YYYY-MM-DD/manifest.json                         written last
 *   <prefix>/_lock/export.json                                            the run lock
 *
 * The NDJSON has a folder of its own because Athena reads every object under a partition's location.
 */
export type SnapshotKeys = {
  folder: string;
  ndjson: string;
  csv: string;
  index: string;
  /** Where snapshots written before `index.bin` kept their index (gzipped JSON): read, and deleted on a rerun. */
  legacyIndex: string;
  manifest: string;
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a string is a real calendar date written `YYYY-MM-DD`. */
export function isExportDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** The prefix without slashes at either end; '' for the root. */
export function normalizePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

/** The folder that holds one module's `dt=` folders. */
export function moduleFolder(prefix: string, module: ModuleName): string {
  return join(normalizePrefix(prefix), module);
}

export function snapshotKeys(prefix: string, module: ModuleName, date: string): SnapshotKeys {
  if (!isExportDate(date)) throw new ExportConfigError(`The export date must be YYYY-MM-DD, got "${date}".`);
  const folder = join(moduleFolder(prefix, module), `dt=${date}`);
  return {
    folder,
    ndjson: `${folder}/ndjson/${module}-${date}.ndjson.gz`,
    csv: `${folder}/csv/${module}-${date}.csv.gz`,
    index: `${folder}/index.bin`,
    legacyIndex: `${folder}/index.json.gz`,
    manifest: `${folder}/manifest.json`,
  };
}

export function lockKey(prefix: string): string {
  return join(normalizePrefix(prefix), '_lock', 'export.json');
}

/** The date of a `dt=YYYY-MM-DD` folder name, or undefined for anything else. */
export function dateOfFolder(name: string): string | undefined {
  const match = /^dt=(\d{4}-\d{2}-\d{2})$/.exec(name);
  return match?.[1] !== undefined && isExportDate(match[1]) ? match[1] : undefined;
}
