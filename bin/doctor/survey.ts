import type { ModuleName } from '../../lib/csmart/modules.ts';
import type { RawAnswer } from './wire.ts';

/** The List fields the integration reads, per module (the rest are only exported). */
export const READ_FIELDS: Readonly<Record<ModuleName, readonly string[]>> = {
  Accounts: ['id', 'name', 'nip', 'email', 'description'],
  Events: ['id', 'description'],
  Opportunities: ['id', 'description'],
  Quotes: ['id'], SalesOrders: ['id'], Invoices: ['id'], Products: ['id'],
};

/** Fields whose values are a small vocabulary the integration must match (Accounts `type`, Events `status`…). */
export const VOCABULARY_FIELDS: Readonly<Partial<Record<ModuleName, readonly string[]>>> = {
  Accounts: ['type'], Events: ['type', 'status'], Opportunities: ['status'],
};
const MAX_VOCABULARY = 20;

/** What one module's List answer looks like. */
export type ModuleSurvey = {
  module: ModuleName;
  /** The error text or reading problem when the List failed. */
  failure: string | undefined;
  count: number;
  ms: number;
  bytes: number;
  status: number;
  contentType: string;
  bom: boolean;
  shape: 'array' | 'object' | 'empty' | 'other';
  /** Every field name seen in the records, with the JSON types its values had. */
  fields: Record<string, string[]>;
  /** The fields the integration reads, and whether records carry them under exactly that name (`unseen`: no records). */
  read: Record<string, 'present' | 'missing' | 'id-key' | 'unseen'>;
  /** The values in use of the vocabulary fields, with how many records use each (at most 20 per field). */
  values: Record<string, Record<string, number>>;
  /** The records as a list (an id-keyed object's values), for the checks that look at values. */
  records: Record<string, unknown>[];
};

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

export function surveyModule(module: ModuleName, answer: RawAnswer): ModuleSurvey {
  const base = { module, ms: answer.ms, bytes: answer.bytes, status: answer.status, contentType: answer.contentType, bom: answer.bom };
  const failure = answer.problem ?? (answer.error ? answer.error : undefined);
  const data = answer.data;
  let shape: ModuleSurvey['shape'] = 'other';
  let records: Record<string, unknown>[] = [];
  let keyed = false;
  if (failure === undefined) {
    if (data === null || data === undefined || data === '' || data === false || (Array.isArray(data) && data.length === 0)) shape = 'empty';
    else if (Array.isArray(data)) {
      shape = 'array';
      records = data.filter(isRecord);
    } else if (typeof data === 'object') {
      shape = Object.keys(data).length === 0 ? 'empty' : 'object';
      records = Object.values(data).filter(isRecord);
      keyed = true;
    }
  }
  const fields: Record<string, Set<string>> = {};
  for (const record of records) for (const [name, value] of Object.entries(record)) (fields[name] ??= new Set()).add(jsonType(value));
  const read: ModuleSurvey['read'] = {};
  for (const field of READ_FIELDS[module]) {
    read[field] = records.length === 0 ? 'unseen' : fields[field] ? 'present' : field === 'id' && keyed ? 'id-key' : 'missing';
  }
  const values: ModuleSurvey['values'] = {};
  for (const field of VOCABULARY_FIELDS[module] ?? []) {
    const counts: Record<string, number> = {};
    for (const record of records) {
      const value = record[field];
      if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '') continue;
      const key = String(value);
      if (key in counts || Object.keys(counts).length < MAX_VOCABULARY) counts[key] = (counts[key] ?? 0) + 1;
    }
    if (Object.keys(counts).length > 0) values[field] = counts;
  }
  return {
    ...base, failure, count: records.length, shape, records, read, values,
    fields: Object.fromEntries(Object.entries(fields).map(([name, types]) => [name, [...types].sort()])),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Name fragments (folded to lower-case letters and digits) under which a CRM may keep our field. */
const NAME_HINTS: Readonly<Record<string, readonly string[]>> = {
  id: ['id', 'recordid', 'idrekordu'],  // only whole names: `account_id` is another record's id
  name: ['name', 'nazwa', 'title', 'tytul', 'subject', 'temat'],
  nip: ['nip', 'vat', 'taxid'],
  email: ['email', 'mail'],
  description: ['description', 'opis', 'notes', 'uwagi'],
};
const fold = (name: string) => name.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/ł/g, 'l').toLowerCase().replace(/[^a-z0-9]/g, '');

/** The seen name closest to one of the field's hints: a whole name, then a prefix or suffix, then a part. */
function bestByName(field: string, seen: readonly string[]): string | undefined {
  const hints = NAME_HINTS[field] ?? [fold(field)];
  let best: { name: string; score: number } | undefined;
  for (const name of seen) {
    const folded = fold(name);
    let score = 0;
    for (const hint of hints) {
      if (folded === hint) score = Math.max(score, 3);
      else if (field === 'id') continue;
      else if (folded.startsWith(hint) || folded.endsWith(hint)) score = Math.max(score, 2);
      else if (folded.includes(hint)) score = Math.max(score, 1);
    }
    if (score > 0 && (!best || score > best.score || (score === best.score && name.length < best.name.length))) best = { name, score };
  }
  return best?.name;
}

/** What a field's values look like, for when names alone do not tell. */
const VALUE_HINTS: Readonly<Record<string, (value: unknown) => boolean>> = {
  nip: (v) => (typeof v === 'string' || typeof v === 'number') && String(v).replace(/\D/g, '').length === 10 && !/[a-z]{3}/i.test(String(v)),
  email: (v) => typeof v === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim()),
};

/**
 * For each field the integration reads but the records do not carry under our name, the field of
 * the records that most likely holds it: by name first, then by what its values look like.
 */
export function guessFieldNames(surveys: readonly ModuleSurvey[]): Record<string, string> {
  const guesses: Record<string, string> = {};
  for (const survey of surveys) {
    for (const [field, state] of Object.entries(survey.read)) {
      if (state !== 'missing' || guesses[field]) continue;
      const seen = Object.keys(survey.fields);
      const byName = bestByName(field, seen);
      const valueHint = VALUE_HINTS[field];
      const byValue = valueHint && seen.find((name) => survey.records.some((r) => r[name] !== '' && r[name] != null) && survey.records.every((r) => r[name] === '' || r[name] == null || valueHint(r[name])));
      const guess = byName ?? byValue;
      if (guess) guesses[field] = guess;
    }
  }
  return guesses;
}
