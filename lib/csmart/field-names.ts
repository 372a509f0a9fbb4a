/**
 * The vendor does not document the field names inside List records; the integration reads the Save
 * names (`id`, `name`, `nip`, `email`, `description`…). Where an account's List uses other names,
 * `CSMART_FIELD_NAMES` maps ours to CSMART's (`{"nip":"NIP_klienta"}`), and every List record is
 * handed on with our names, so every caller reads the same fields.
 */
export type FieldNames = Readonly<Record<string, string>>;

/** A List record's fields with CSMART's names turned into ours: the record itself when nothing is renamed. */
export type RecordRenamer = (record: Record<string, unknown>) => Record<string, unknown>;

const unchanged: RecordRenamer = (record) => record;

/**
 * The renamer for one mapping, built once per client: a streamed List applies it to each record as it
 * is parsed (before its id is read, as for a whole List), never to the record's raw bytes.
 */
export function listRecordRenamer(names: FieldNames): RecordRenamer {
  const pairs = Object.entries(names).filter(([ours, theirs]) => ours !== theirs);
  if (pairs.length === 0) return unchanged;
  const theirs = new Set(pairs.map(([, name]) => name));
  return (source) => {
    if (!pairs.some(([, name]) => Object.hasOwn(source, name))) return source;
    const out: Record<string, unknown> = {};
    for (const key in source) if (!theirs.has(key)) out[key] = source[key];
    // A field CSMART itself names like one of ours gives way to the mapped field.
    for (const [ours, name] of pairs) if (Object.hasOwn(source, name)) out[ours] = source[name];
    return out;
  };
}

/** List data (an array or an id-keyed object of records) with CSMART's names turned into ours. */
export function renameListFields(data: unknown, names: FieldNames): unknown {
  const renamer = listRecordRenamer(names);
  if (renamer === unchanged || data === null || typeof data !== 'object') return data;
  const rename = (record: unknown): unknown =>
    record === null || typeof record !== 'object' || Array.isArray(record) ? record : renamer(record as Record<string, unknown>);
  if (Array.isArray(data)) return data.map(rename);
  return Object.fromEntries(Object.entries(data).map(([key, record]) => [key, rename(record)]));
}

/** Parses `CSMART_FIELD_NAMES`: a JSON object of our field names to CSMART's. Returns a reason when it is not one. */
export function parseFieldNames(text: string): FieldNames | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'a JSON object such as {"nip":"NIP"}';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'a JSON object such as {"nip":"NIP"}';
  for (const [ours, theirs] of Object.entries(parsed)) {
    if (!/^[A-Za-z0-9_]{1,64}$/.test(ours)) return 'a JSON object whose keys are our field names (letters, digits, "_")';
    if (typeof theirs !== 'string' || theirs.trim() === '' || theirs.length > 128) return 'a JSON object whose values are CSMART field names (non-empty text)';
  }
  return Object.freeze({ ...(parsed as Record<string, string>) });
}
