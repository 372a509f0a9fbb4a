import type { CsmartClient } from '../csmart/client.ts';
import type { CsmartRecord } from '../csmart/modules.ts';

/**
 * CSMART cannot search: the only way to find a client by NIP or e-mail is its whole Accounts list.
 * The list is cached briefly per process, as an index of NIP, e-mail and phone → client, and kept current
 * with what this process saves.
 * List record fields are undocumented; we read the Save field names and a few common variants.
 */
const NIP_FIELDS = ['nip', 'NIP', 'vat_id'] as const;
const EMAIL_FIELDS = ['email', 'e_mail', 'mail'] as const;

/** Matching keys, not validation (lib/mapping validates): a NIP's digits, an e-mail in lower case. */
export const nipDigits = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D/g, '') : '');
export const emailKey = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '');

export type AccountMatch = { nip?: string; email?: string; phone?: string };
export type AccountDirectory = {
  /**
   * The client with this NIP, else e-mail, else phone. The record holds what a lookup needs (id, name,
   * NIP, e-mail), not every field: `record(id)` reads a whole one.
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

const PHONE_FIELDS = ['phone_mobile', 'phone_office', 'phone'] as const;
/** A phone's last nine digits: `+48 600 100 200`, `600-100-200` and `0048600100200` are one number. */
export const phoneKey = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D/g, '').slice(-9) : '');

/** What the directory keeps per client: enough to answer a lookup, so its memory does not grow with record size. */
type Entry = { id: string; name?: string; nip?: string; email?: string };
type Index = { at: number; byId: Map<string, Entry>; byNip: Map<string, Entry>; byEmail: Map<string, Entry>; byPhone: Map<string, Entry> };

const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

export function createAccountDirectory(options: { client: Pick<CsmartClient, 'listStream'>; ttlMs: number; now?: () => number }): AccountDirectory {
  const now = options.now ?? Date.now;
  let index: Promise<Index> | undefined;
  const stats = { lists: 0 };

  const add = (idx: Index, record: CsmartRecord) => {
    const entry: Entry = { id: record.id };
    const name = text(record.name);
    if (name !== undefined) entry.name = name;
    for (const field of NIP_FIELDS) {
      const nip = nipDigits(record[field]);
      if (!nip) continue;
      idx.byNip.set(nip, entry);
      entry.nip ??= text(record[field]);
    }
    for (const field of EMAIL_FIELDS) {
      const email = emailKey(record[field]);
      if (!email) continue;
      idx.byEmail.set(email, entry);
      entry.email ??= text(record[field]);
    }
    for (const field of PHONE_FIELDS) { const phone = phoneKey(record[field]); if (phone.length === 9) idx.byPhone.set(phone, entry); }
    idx.byId.set(record.id, entry);
  };

  async function load(): Promise<Index> {
    stats.lists++;
    const idx: Index = { at: now(), byId: new Map(), byNip: new Map(), byEmail: new Map(), byPhone: new Map() };
    // Built as the records stream in, keeping only the keys: the whole list is never held.
    // Oldest first, so the newest record wins when CSMART holds duplicates from before us.
    for await (const batch of options.client.listStream('Accounts')) for (const { record } of batch) add(idx, record);
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

  const asRecord = (entry: Entry | undefined): CsmartRecord | undefined => (entry ? { ...entry } : undefined);

  return {
    stats,
    async find(match, findOptions = {}) {
      const idx = await current(findOptions.fresh ?? false);
      const nip = nipDigits(match.nip);
      const email = emailKey(match.email);
      const phone = phoneKey(match.phone);
      return asRecord((nip ? idx.byNip.get(nip) : undefined) ?? (email ? idx.byEmail.get(email) : undefined) ?? (phone.length === 9 ? idx.byPhone.get(phone) : undefined));
    },
    async byId(id, findOptions = {}) {
      return asRecord((await current(findOptions.fresh ?? false)).byId.get(id));
    },
    async record(id) {
      stats.lists++;
      let found: CsmartRecord | undefined;
      for await (const batch of options.client.listStream('Accounts')) for (const { record } of batch) if (record.id === id) found = record;
      return found;
    },
    remember(record) {
      void index?.then((idx) => add(idx, record), () => undefined);
    },
    clear() {
      index = undefined;
    },
  };
}
