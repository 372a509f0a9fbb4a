import type { Writable } from 'node:stream';
import type { CsmartRecord } from '../lib/csmart/modules.ts';
import { encodeCsv } from '../lib/export/csv.ts';

export const FORMATS = ['json', 'ndjson', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** Prints records for a person (json), for pipes (ndjson), or for a spreadsheet (csv, RFC 4180). */
export function writeRecords(out: Writable, records: CsmartRecord[], format: Format): void {
  if (format === 'json') out.write(`${JSON.stringify(records, null, 2)}\n`);
  else if (format === 'ndjson') for (const record of records) out.write(`${JSON.stringify(record)}\n`);
  else out.write(encodeCsv(records));
}
