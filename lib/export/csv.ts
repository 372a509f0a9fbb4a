import type { CsmartRecord } from '../csmart/modules.ts';
import { numberText } from '../csmart/number-text.ts';
import { describeFields } from './field-schema.ts';
import type { ChunkedGzipWriter } from './gzip-stream.ts';

/** Excel reads a CSV as UTF-8 (Polish letters intact) only when it starts with a byte-order mark. */
export const UTF8_BOM = '\uFEFF';
const CRLF = '\r\n';
const QUOTE = /"/g;
/** V8's compiled regex finds these faster than a char-code loop in JavaScript (the loop measured 3× slower). */
const NEEDS_QUOTES = /[",\r\n]/;
const PLAIN_NUMBER = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)([eE][+-]?\d+)?$/;

/**
 * Cells Excel (and LibreOffice) would evaluate as a formula start with `=`, `+`, `-`, `@`, tab or CR. One
 * char code read per cell instead of a regex: the CSV rows cost 0.83× (bench/export's 100k records).
 */
function startsLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d;
}

export type CsvOptions = {
  /** Prefix `'` to text that Excel would run as a formula (`=HYPERLINK(…)` typed into a lead form). Default true. */
  formulaGuard?: boolean;
  /** Start with a UTF-8 byte-order mark (default true). */
  bom?: boolean;
};

/** Quotes a field per RFC 4180 when it holds a quote, comma, CR or LF; quotes inside are doubled. */
export function quoteCsv(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

/** One CSV cell: empty for null/undefined, JSON for nested values, the text itself otherwise. */
export function csvCell(value: unknown, options: CsvOptions = {}): string {
  return cellOf(value, options.formulaGuard !== false);
}

function cellOf(value: unknown, formulaGuard: boolean): string {
  if (typeof value === 'string') {
    const text = formulaGuard && startsLikeFormula(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
    return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
  }
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return quoteCsv(JSON.stringify(value));
}

/** The header line (with the BOM in front, unless `bom: false`) for the given field names. */
export function csvHeader(fields: readonly string[], options: CsvOptions = {}): string {
  return (options.bom === false ? '' : UTF8_BOM) + fields.map(quoteCsv).join(',') + CRLF;
}

/** One record as a CSV line (CRLF-terminated), its values in the header's order. */
export function csvRow(record: CsmartRecord, fields: readonly string[], options: CsvOptions = {}): string {
  const guard = options.formulaGuard !== false;
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += ',';
    line += cellOf(record[fields[i]!], guard);
  }
  return line + CRLF;
}

/**
 * Writes a whole CSV (RFC 4180, UTF-8 with BOM, CRLF) into a chunked writer. `fields` is the union of the
 * records' fields (see `describeFields`). Does not end the writer.
 */
export async function writeCsv(records: readonly CsmartRecord[], fields: readonly string[], writer: ChunkedGzipWriter, options: CsvOptions = {}): Promise<void> {
  const waiting = writer.write(csvHeader(fields, options));
  if (waiting) await waiting;
  for (const record of records) {
    const pending = writer.write(csvRow(record, fields, options));
    if (pending) await pending;
  }
}

/**
 * A whole CSV as one string, header = union of the records' fields: for small outputs such as the
 * CLI's `list --format csv`. Exports stream through `writeCsv` instead.
 */
export function encodeCsv(records: readonly CsmartRecord[], options: CsvOptions = {}): string {
  const fields = describeFields(records).map((field) => field.name);
  let text = csvHeader(fields, options);
  for (const record of records) text += csvRow(record, fields, options);
  return text;
}
