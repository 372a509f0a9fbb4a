import type { CsmartClient } from '../csmart/client.ts';
import type { CsmartRecord } from '../csmart/modules.ts';
import { numberText } from '../csmart/number-text.ts';
import { KeyTable } from './key-table.ts';
import { PackedTexts, TextAddresses } from './packed-texts.ts';

/**
 * CSMART cannot search: the only way to find a client by NIP or e-mail is its whole Accounts list.
 * The list is cached briefly per process, as an index of NIP, e-mail and phone → client, and kept current
 * with what this process saves.
 * List record fields are undocumented; we read the Save field names and a few common variants.
 */
const NIP_FIELDS = ['nip', 'NIP', 'vat_id'] as const;
const EMAIL_FIELDS = ['email', 'e_mail', 'mail'] as const;
const PHONE_FIELDS = ['phone_mobile', 'phone_office', 'phone'] as const;

/** A field CSMART lists as text or as a number, as text (a number by `numberText`, not through V8's number-string cache). */
const scalarText = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? numberText(value) : undefined);

/** Matching keys, not validation (lib/mapping validates): a NIP's digits, an e-mail in lower case. */
export const nipDigits = (value: unknown) => (scalarText(value) ?? '').replace(/\D/g, '');
export const emailKey = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '');
/** A phone's digits with the Polish country code: "+48 601 000 001", "601000001" and "0048601000001" are one phone. */
export const phoneKey = (value: unknown) => {
  const digits = typeof value === 'string' ? value.replace(/\D/g, '').replace(/^00/, '') : '';
  return digits.length === 9 ? `48${digits}` : digits.length >= 9 ? digits : '';
};

/** `phone` matches only when neither NIP nor e-mail is given: it identifies a phone-only lead's client. */
export type AccountMatch = { nip?: string; email?: string; phone?: string };
export type AccountDirectory = {
  /**
   * The client with this NIP, else e-mail; with neither, by phone. The record holds only its id, name and
   * NIP (as stored), not every field: `record(id)` reads a whole one.
   */
  find(match: AccountMatch, options?: { fresh?: boolean }): Promise<CsmartRecord | undefined>;
  /** The client with this id, if CSMART still lists it (the same short record as `find`). */
  byId(id: string, options?: { fresh?: boolean }): Promise<CsmartRecord | undefined>;
  /** The whole record of one client, read from a fresh List (for its description before an update). */
  record(id: string): Promise<CsmartRecord | undefined>;
  remember(record: CsmartRecord): void;
  clear(): void;
  readonly stats: { lists: number };
};

/**
 * What the directory keeps per client: its id, name and NIP packed as UTF-8 (one address per slot, in a typed array), and
 * 48-bit hashes of its id, NIP, e-mail and phone in typed-array tables to its slot — no record objects,
 * no string per field and no Map entries, so its memory grows by about 100 bytes per client whatever the
 * records hold (bench/list: 30 MB for 300,000, 99 MB for 1,000,000). A hash names a wrong client with a chance of about n / 2^48 per lookup
 * (1·10^-9 for 300,000 clients, 4·10^-9 for 1,000,000); a hit by id is checked against the stored id.
 */
type Index = {
  at: number;
  /** Its arrays were taken by a newer List (a lookup that waited across that moment asks again). */
  retired: boolean;
  texts: PackedTexts; slots: TextAddresses; byId: KeyTable; byNip: KeyTable; byEmail: KeyTable; byPhone: KeyTable;
};
/** What each slot's address holds, in this order. */
const ID = 0;
const NAME = 1;
const NIP = 2;

/** Two FNV-1a hashes of the text (different offsets and primes), joined into one 48-bit number (a `KeyTable` key). */
export function keyHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 2 ** 16 + ((b >>> 0) >>> 16);
}

/** A directory built from a whole Accounts List: how many clients it holds and how long the List took. */
export type DirectoryLoaded = { clients: number; ms: number };

export function createAccountDirectory(options: {
  client: Pick<CsmartClient, 'listStream'>;
  ttlMs: number;
  now?: () => number;
  /** Told after each List the directory was built from (the worker reports its memory then: it grows with the CRM). */
  onLoaded?: (loaded: DirectoryLoaded) => void;
}): AccountDirectory {
  const now = options.now ?? Date.now;
  let index: Promise<Index> | undefined;
  const stats = { lists: 0 };

  const add = (idx: Index, record: CsmartRecord) => {
    const idKey = keyHash(record.id);
    let slot = idx.byId.get(idKey);
    if (slot !== undefined && !idx.texts.firstIs(idx.slots.at(slot), record.id)) slot = undefined; // a hash shared by two ids
    // A record listed again without a NIP keeps the one it had.
    let storedNip = slot === undefined ? undefined : idx.texts.get(idx.slots.at(slot), 3)[NIP];
    if (slot === undefined) {
      slot = idx.slots.length;
      idx.byId.set(idKey, slot);
    }
    for (const field of NIP_FIELDS) {
      const text = scalarText(record[field]);
      const nip = nipDigits(text);
      if (!text || !nip) continue;
      idx.byNip.set(keyHash(nip), slot);
      // Kept as the record stores it ("526-025-02-74" stays so): tasks carry the client's NIP exactly.
      storedNip = text.trim();
    }
    for (const field of EMAIL_FIELDS) { const email = emailKey(record[field]); if (email) idx.byEmail.set(keyHash(email), slot); }
    for (const field of PHONE_FIELDS) { const phone = phoneKey(record[field]); if (phone) idx.byPhone.set(keyHash(phone), slot); }
    // A client listed twice gets its texts stored again (the old ones stay unused): duplicates are few.
    idx.slots.set(slot, idx.texts.add([record.id, scalarText(record.name), storedNip]));
  };

  // The index whose arrays the next List is built into: the last one built (or one whose List failed). A warm worker
  // reloads every CSMART_ACCOUNT_CACHE_TTL; with new arrays each time it held the old ones until a full GC, and the
  // allocator kept much of them after (bench/list, three reloads: 300,000 clients 147–149 MB held against 162–163 MB,
  // 1,000,000 clients 220–221 MB against 231–241 MB).
  let spare: Index | undefined;

  /** An empty index in the spare one's arrays, cleared, once that one is retired; new arrays when there is none. */
  function emptyIndex(): Index {
    const old = spare;
    spare = undefined;
    if (old === undefined) {
      return { at: now(), retired: false, texts: new PackedTexts(), slots: new TextAddresses(), byId: new KeyTable(), byNip: new KeyTable(), byEmail: new KeyTable(), byPhone: new KeyTable() };
    }
    old.retired = true;
    for (const part of [old.texts, old.slots, old.byId, old.byNip, old.byEmail, old.byPhone]) part.clear();
    return { ...old, at: now(), retired: false };
  }

  async function load(): Promise<Index> {
    stats.lists++;
    const idx = emptyIndex();
    // Built as the records stream in, keeping only the keys: the whole list is never held.
    // Oldest first, so the newest record wins when CSMART holds duplicates from before us.
    const started = performance.now();
    try {
      for await (const batch of options.client.listStream('Accounts')) for (const { record } of batch) add(idx, record);
    } finally {
      spare = idx;
    }
    options.onLoaded?.({ clients: idx.slots.length, ms: Math.round(performance.now() - started) });
    return idx;
  }

  async function current(fresh: boolean): Promise<Index> {
    if (index && !fresh) {
      const idx = await index.catch(() => undefined);
      if (idx && now() - idx.at < options.ttlMs) return idx;
    }
    const loading = load();
    index = loading;
    loading.catch(() => { if (index === loading) index = undefined; });
    return loading;
  }

  /** The index to read: a lookup that waited while a newer List took its index's arrays waits for that List. */
  async function readable(fresh: boolean): Promise<Index> {
    let idx = await current(fresh);
    while (idx.retired) idx = await current(false);
    return idx;
  }

  const asRecord = (idx: Index, slot: number | undefined): CsmartRecord | undefined => {
    if (slot === undefined) return undefined;
    const texts = idx.texts.get(idx.slots.at(slot), 3);
    const record: CsmartRecord = { id: texts[ID]! };
    const name = texts[NAME];
    const nip = texts[NIP];
    if (name !== undefined) record.name = name;
    if (nip !== undefined) record.nip = nip;
    return record;
  };

  return {
    stats,
    async find(match, findOptions = {}) {
      const idx = await readable(findOptions.fresh ?? false);
      const nip = nipDigits(match.nip);
      const email = emailKey(match.email);
      // The phone identifies a client only when neither NIP nor e-mail is given (a phone-only lead's client).
      if (!nip && !email) { const phone = phoneKey(match.phone); return phone ? asRecord(idx, idx.byPhone.get(keyHash(phone))) : undefined; }
      return asRecord(idx, (nip ? idx.byNip.get(keyHash(nip)) : undefined) ?? (email ? idx.byEmail.get(keyHash(email)) : undefined));
    },
    async byId(id, findOptions = {}) {
      const idx = await readable(findOptions.fresh ?? false);
      const slot = idx.byId.get(keyHash(id));
      return asRecord(idx, slot !== undefined && idx.texts.firstIs(idx.slots.at(slot), id) ? slot : undefined);
    },
    async record(id) {
      stats.lists++;
      let found: CsmartRecord | undefined;
      for await (const batch of options.client.listStream('Accounts')) for (const { record } of batch) if (record.id === id) found = record;
      return found;
    },
    remember(record) {
      // Into a retired index too: its arrays are the newer one's, which the List then fills.
      void index?.then((idx) => add(idx, record), () => undefined);
    },
    clear() {
      index = undefined;
    },
  };
}
