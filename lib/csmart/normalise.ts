import { CsmartProtocolError } from './errors.ts';
import type { CsmartRecord } from './modules.ts';

/**
 * Record ids may come as strings or numbers, and lists as arrays or as id-keyed objects (PHP's
 * associative arrays). Everything leaves the client as an array of records with a string `id`.
 */
export function normaliseList(data: unknown, module: string): CsmartRecord[] {
  if (data === null || data === undefined || data === '' || data === false) return [];
  if (Array.isArray(data)) return normaliseArray(data, module);
  if (typeof data !== 'object') {
    throw new CsmartProtocolError(`CSMART ${module}/List answered data of type ${typeof data}, not a list`, { module, action: 'List' });
  }
  // An id-keyed object (PHP's associative array): the key is the id when the record has none.
  const entries = Object.entries(data);
  const records: CsmartRecord[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const [key, record] = entries[i]!;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new CsmartProtocolError(`CSMART ${module}/List answered a record that is not an object`, { module, action: 'List' });
    }
    const raw = (record as { id?: unknown }).id ?? key;
    const id = raw === undefined || raw === null ? '' : String(raw);
    records[i] = ((record as { id?: unknown }).id === id ? record : { ...record, id }) as CsmartRecord;
  }
  return records;
}

/** Save answers the saved record's id, as a number or a string (or, tolerated, inside an object). */
export function normaliseId(data: unknown, module: string): string {
  const raw = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : data;
  if ((typeof raw === 'number' && Number.isFinite(raw)) || (typeof raw === 'string' && raw.trim() !== '')) return String(raw).trim();
  throw new CsmartProtocolError(`CSMART ${module}/Save answered without the saved record's id`, { module, action: 'Save' });
}

/** The common case, kept allocation-free when ids are already strings: big lists pass through as they are. */
function normaliseArray(data: unknown[], module: string): CsmartRecord[] {
  let out: CsmartRecord[] | undefined;
  for (let i = 0; i < data.length; i++) {
    const record = data[i];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new CsmartProtocolError(`CSMART ${module}/List answered a record that is not an object`, { module, action: 'List' });
    }
    const raw = (record as { id?: unknown }).id;
    if (typeof raw === 'string') continue;
    out ??= data.slice() as CsmartRecord[];
    out[i] = { ...record, id: raw === undefined || raw === null ? '' : String(raw) } as CsmartRecord;
  }
  return out ?? (data as CsmartRecord[]);
}
