import type { CsmartClient } from '../csmart/client.ts';
import type { CsmartRecord } from '../csmart/modules.ts';
import { numberText } from '../csmart/number-text.ts';
import { PackedTexts, TextAddresses } from './packed-texts.ts';
import { SortedKeys } from './sorted-keys.ts';

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
 * What the directory keeps per listed record (a slot): its id, name and NIP packed as UTF-8 (one address per slot, in a
 * typed array), and hashes of its id, NIP, e-mail and phone, sorted once the List has ended (`SortedKeys`) — no record
 * objects, no string per field and no Map entries, so its memory grows by about 78 bytes per client whatever the
 * records hold (23 MB for 300,000 clients, 76 MB for 1,000,000; 31 and 99 MB with hash tables). A hit by id is checked
 * against the stored id; a hash of another key names a wrong client with a chance of about 10^-8 per lookup.
 * A client listed twice has two slots: its id leads to the last one, which carries the NIP an earlier one had when it
 * has none, and a lookup that hits an earlier one answers with the last.
 */
type Index = {
  at: number;
  /** Its arrays were taken by a newer List (a lookup that waited across that moment asks again). */
  retired: boolean;
  /** Clients, each counted once however often listed. */
  clients: number;
  texts: PackedTexts; slots: TextAddresses; byId: SortedKeys; byNip: SortedKeys; byEmail: SortedKeys; byPhone: SortedKeys;
};
/** What each slot's address holds, in this order. */
const ID = 0;
const NAME = 1;
const NIP = 2;

/** The last `hashText`'s two halves (set in place: no array per key while a List streams). */
const textHash = { hi: 0, lo: 0 };

/** Two FNV-1a hashes of the text (different offsets and primes): a `SortedKeys` key, in `textHash`. */
export function hashText(text: string): typeof textHash {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
  }
  textHash.hi = a >>> 0;
  textHash.lo = b >>> 0;
  return textHash;
}

const addKey = (keys: SortedKeys, text: string, slot: number) => { const { hi, lo } = hashText(text); keys.add(hi, lo, slot); };
const slotOf = (keys: SortedKeys, text: string) => { const { hi, lo } = hashText(text); return keys.get(hi, lo); };

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

  /** The last slot of the client with this id (a hash shared by two ids names one of them: checked). */
  const slotById = (idx: Index, id: string): number | undefined => {
    const slot = slotOf(idx.byId, id);
    return slot !== undefined && idx.texts.firstIs(idx.slots.at(slot), id) ? slot : undefined;
  };

  const add = (idx: Index, record: CsmartRecord) => {
    const slot = idx.slots.length;
    // A client this process saved again without a NIP keeps the one it had (a List read twice is merged so in `seal`).
    const known = idx.byId.sealed ? slotById(idx, record.id) : undefined;
    let storedNip = known === undefined ? undefined : idx.texts.get(idx.slots.at(known), 3)[NIP];
    if (known === undefined) idx.clients++;
    addKey(idx.byId, record.id, slot);
    for (const field of NIP_FIELDS) {
      const text = scalarText(record[field]);
      const nip = nipDigits(text);
      if (!text || !nip) continue;
      addKey(idx.byNip, nip, slot);
      // Kept as the record stores it ("526-025-02-74" stays so): tasks carry the client's NIP exactly.
      storedNip = text.trim();
    }
    for (const field of EMAIL_FIELDS) { const email = emailKey(record[field]); if (email) addKey(idx.byEmail, email, slot); }
    for (const field of PHONE_FIELDS) { const phone = phoneKey(record[field]); if (phone) addKey(idx.byPhone, phone, slot); }
    idx.slots.set(slot, idx.texts.add([record.id, scalarText(record.name), storedNip]));
  };

  /**
   * Seals the keys once the List has ended, and merges a client listed more than once: its last slot, which its id now
   * leads to, takes the NIP of the latest one before it that had one, when it has none.
   */
  const seal = (idx: Index) => {
    idx.byId.seal();
    for (const slots of idx.byId.repeated()) {
      const texts = slots.map((slot) => idx.texts.get(idx.slots.at(slot), 3));
      const last = slots.length - 1;
      for (let i = 0; i < last; i++) if (texts[i]![ID] === texts[last]![ID]) idx.clients--;
      if (texts[last]![NIP] !== undefined) continue;
      const earlier = texts.findLast((t, i) => i < last && t[ID] === texts[last]![ID] && t[NIP] !== undefined);
      if (earlier) idx.slots.set(slots[last]!, idx.texts.add([texts[last]![ID], texts[last]![NAME], earlier[NIP]]));
    }
    for (const keys of [idx.byNip, idx.byEmail, idx.byPhone]) keys.seal();
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
      return { at: now(), retired: false, clients: 0, texts: new PackedTexts(), slots: new TextAddresses(), byId: new SortedKeys(), byNip: new SortedKeys(), byEmail: new SortedKeys(), byPhone: new SortedKeys() };
    }
    old.retired = true;
    for (const part of [old.texts, old.slots, old.byId, old.byNip, old.byEmail, old.byPhone]) part.clear();
    return { ...old, at: now(), retired: false, clients: 0 };
  }

  async function load(): Promise<Index> {
    stats.lists++;
    const idx = emptyIndex();
    // Built as the records stream in, keeping only the keys: the whole list is never held.
    // Oldest first, so the newest record wins when CSMART holds duplicates from before us.
    const started = performance.now();
    try {
      for await (const batch of options.client.listStream('Accounts')) for (const { record } of batch) add(idx, record);
      seal(idx);
    } finally {
      spare = idx;
    }
    options.onLoaded?.({ clients: idx.clients, ms: Math.round(performance.now() - started) });
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

  /** The client of a slot, as its last slot holds it. */
  const asRecord = (idx: Index, hit: number | undefined): CsmartRecord | undefined => {
    if (hit === undefined) return undefined;
    const slot = slotById(idx, idx.texts.get(idx.slots.at(hit), 1)[ID]!) ?? hit;
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
      if (!nip && !email) { const phone = phoneKey(match.phone); return phone ? asRecord(idx, slotOf(idx.byPhone, phone)) : undefined; }
      return asRecord(idx, (nip ? slotOf(idx.byNip, nip) : undefined) ?? (email ? slotOf(idx.byEmail, email) : undefined));
    },
    async byId(id, findOptions = {}) {
      const idx = await readable(findOptions.fresh ?? false);
      return asRecord(idx, slotById(idx, id));
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
