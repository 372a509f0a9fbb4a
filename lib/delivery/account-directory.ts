import type { CsmartClient } from '../csmart/client.ts';
import type { CsmartRecord } from '../csmart/modules.ts';

/**
 * CSMART cannot search: the only way to find a client by NIP or e-mail is its whole Accounts list.
 * The list is cached briefly per process and kept current with what this process saves.
 * List record fields are undocumented; we read the Save field names and a few common variants.
 */
const NIP_FIELDS = ['nip', 'NIP', 'vat_id'] as const;
const EMAIL_FIELDS = ['email', 'e_mail', 'mail'] as const;
const PHONE_FIELDS = ['phone_mobile', 'phone_office', 'phone'] as const;

/** Matching keys, not validation (lib/mapping validates): a NIP's digits, an e-mail in lower case. */
export const nipDigits = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D/g, '') : '');
export const emailKey = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '');
/** A phone's digits with the Polish country code: "+48 601 000 001", "601000001" and "0048601000001" are one phone. */
export const phoneKey = (value: unknown) => {
  const digits = typeof value === 'string' ? value.replace(/\D/g, '').replace(/^00/, '') : '';
  return digits.length === 9 ? `48${digits}` : digits.length >= 9 ? digits : '';
};

/** `phone` matches only when neither NIP nor e-mail is given: it identifies a phone-only lead's client. */
export type AccountMatch = { nip?: string; email?: string; phone?: string };
export type AccountDirectory = {
  find(match: AccountMatch, options?: { fresh?: boolean }): Promise<CsmartRecord | undefined>;
  /** The client with this id, if CSMART still lists it. */
  byId(id: string, options?: { fresh?: boolean }): Promise<CsmartRecord | undefined>;
  remember(record: CsmartRecord): void;
  clear(): void;
  readonly stats: { lists: number };
};

type Index = { at: number; byId: Map<string, CsmartRecord>; byNip: Map<string, CsmartRecord>; byEmail: Map<string, CsmartRecord>; byPhone: Map<string, CsmartRecord> };

export function createAccountDirectory(options: { client: Pick<CsmartClient, 'list'>; ttlMs: number; now?: () => number }): AccountDirectory {
  const now = options.now ?? Date.now;
  let index: Promise<Index> | undefined;
  const stats = { lists: 0 };

  const add = (idx: Index, record: CsmartRecord) => {
    idx.byId.set(record.id, record);
    for (const field of NIP_FIELDS) { const nip = nipDigits(record[field]); if (nip) idx.byNip.set(nip, record); }
    for (const field of EMAIL_FIELDS) { const email = emailKey(record[field]); if (email) idx.byEmail.set(email, record); }
    for (const field of PHONE_FIELDS) { const phone = phoneKey(record[field]); if (phone) idx.byPhone.set(phone, record); }
  };

  async function load(): Promise<Index> {
    stats.lists++;
    const records = await options.client.list('Accounts');
    const idx: Index = { at: now(), byId: new Map(), byNip: new Map(), byEmail: new Map(), byPhone: new Map() };
    // Oldest first, so the newest record wins when CSMART holds duplicates from before us.
    for (const record of records) add(idx, record);
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

  return {
    stats,
    async find(match, findOptions = {}) {
      const idx = await current(findOptions.fresh ?? false);
      const nip = nipDigits(match.nip);
      const email = emailKey(match.email);
      if (!nip && !email) { const phone = phoneKey(match.phone); return phone ? idx.byPhone.get(phone) : undefined; }
      return (nip ? idx.byNip.get(nip) : undefined) ?? (email ? idx.byEmail.get(email) : undefined);
    },
    async byId(id, findOptions = {}) {
      return (await current(findOptions.fresh ?? false)).byId.get(id);
    },
    remember(record) {
      void index?.then((idx) => add(idx, record), () => undefined);
    },
    clear() {
      index = undefined;
    },
  };
}
