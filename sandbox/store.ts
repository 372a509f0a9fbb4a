import type { ModuleName } from '../lib/csmart/modules.ts';
import { MAX_SYNTHETIC_ID, syntheticAccount, syntheticIdOfNip } from './seed.ts';

/** A stored record: a numeric id plus the fields as they were saved (text on the wire). */
export type SandboxRecord = { readonly id: number; readonly [field: string]: string | number };
/** What `put` takes: the fields, with an optional id (absent = the next id). */
export type RecordInput = { id?: number | string; [field: string]: string | number | undefined };

/**
 * Synthetic clients with ids first..last exist only as a range and are generated when read, so 300,000
 * of them cost nothing at start. `hidden` holds ids of the range that were edited (the edit lives in
 * `records`) or deleted.
 */
type SyntheticRange = { first: number; last: number; hidden: Set<number> };
type Table = { nextId: number; revision: number; records: Map<number, SandboxRecord>; synthetic?: SyntheticRange };

/** The store's file format (see persistence.ts): per domain, per module, the next id and the records. */
export type StoreSnapshot = {
  version: 1;
  domains: Record<string, Partial<Record<ModuleName, TableSnapshot>>>;
};
type TableSnapshot = { nextId: number; records: SandboxRecord[]; synthetic?: { first: number; last: number; hidden: number[] } };

/**
 * Digits only: how CSMART is assumed to compare NIPs ("123-456-32-18" equals "1234563218"). Kept apart from
 * lib/'s NIP rules on purpose: an emulator that shared the client's code would hide the client's mistakes.
 */
export function nipDigits(value: string): string {
  return value.replace(/\D/g, '');
}

/** Parses an id as the wire sends it; anything but a positive integer is no id at all. */
export function parseId(value: number | string): number | undefined {
  const id = typeof value === 'number' ? value : /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * Records per (domain, module), in creation order. Stored records are frozen and replaced on change, so a
 * list handed out stays as it was. Every change raises the table's revision (never reused, also across
 * clear()), which lets the server cache encoded lists; `onChange` lets it persist every change.
 */
export class SandboxStore {
  readonly defaultDomain: string;
  onChange: (() => void) | undefined;
  private readonly tables = new Map<string, Map<ModuleName, Table>>();
  // Events/Save looks clients up by NIP; an index keeps that O(1) with 300,000 accounts.
  private readonly nipCounts = new Map<string, Map<string, number>>();
  private revisions = 0;

  constructor(defaultDomain: string) {
    this.defaultDomain = defaultDomain;
  }

  /** The records of one module, oldest first. */
  list(module: ModuleName, domain = this.defaultDomain): SandboxRecord[] {
    return [...this.records(module, domain)];
  }

  /** Iterates without copying: what the List answer is encoded from. */
  *records(module: ModuleName, domain = this.defaultDomain): Generator<SandboxRecord> {
    const table = this.table(module, domain, false);
    if (!table) return;
    const range = table.synthetic;
    if (!range) {
      yield* table.records.values();
      return;
    }
    for (const record of table.records.values()) if (record.id < range.first) yield record;
    for (let id = range.first; id <= range.last; id++) {
      if (!range.hidden.has(id)) yield syntheticAccount(id);
      else {
        const edited = table.records.get(id);
        if (edited) yield edited;
      }
    }
    for (const record of table.records.values()) if (record.id > range.last) yield record;
  }

  count(module: ModuleName, domain = this.defaultDomain): number {
    const table = this.table(module, domain, false);
    if (!table) return 0;
    const range = table.synthetic;
    return table.records.size + (range ? range.last - range.first + 1 - range.hidden.size : 0);
  }

  /** Changes whenever the module's records change; equal revisions mean equal contents. */
  revision(module: ModuleName, domain = this.defaultDomain): number {
    return this.table(module, domain, false)?.revision ?? 0;
  }

  get(module: ModuleName, id: number | string, domain = this.defaultDomain): SandboxRecord | undefined {
    const key = parseId(id);
    const table = key === undefined ? undefined : this.table(module, domain, false);
    if (!table || key === undefined) return undefined;
    return table.records.get(key) ?? (inRange(table.synthetic, key) && !table.synthetic!.hidden.has(key) ? syntheticAccount(key) : undefined);
  }

  /** Creates a record (no id: the next id) or replaces the one with that id, exactly as given. */
  put(module: ModuleName, input: RecordInput, domain = this.defaultDomain): SandboxRecord {
    const saved = this.write(module, input, domain);
    this.onChange?.();
    return saved;
  }

  /** Creates many records at once with one change notification. */
  putMany(module: ModuleName, inputs: Iterable<RecordInput>, domain = this.defaultDomain): number {
    let added = 0;
    for (const input of inputs) {
      this.write(module, input, domain);
      added++;
    }
    if (added > 0) this.onChange?.();
    return added;
  }

  /** Merges fields into an existing record, as an edit over the wire does. */
  update(module: ModuleName, id: number, fields: Record<string, string>, domain = this.defaultDomain): SandboxRecord | undefined {
    const existing = this.get(module, id, domain);
    if (!existing) return undefined;
    return this.put(module, { ...existing, ...fields, id }, domain);
  }

  delete(module: ModuleName, id: number | string, domain = this.defaultDomain): boolean {
    const existing = this.get(module, id, domain);
    if (!existing) return false;
    const table = this.table(module, domain, true);
    const stored = table.records.get(existing.id);
    if (stored) this.indexNip(module, domain, stored, -1);
    table.records.delete(existing.id);
    if (inRange(table.synthetic, existing.id)) table.synthetic!.hidden.add(existing.id);
    table.revision = ++this.revisions;
    this.onChange?.();
    return true;
  }

  /** Appends `count` synthetic clients (see seed.ts) to Accounts; returns how many there are now. */
  addSyntheticAccounts(count: number, domain = this.defaultDomain): number {
    const table = this.table('Accounts', domain, true);
    const first = table.nextId;
    const last = first + count - 1;
    if (last > MAX_SYNTHETIC_ID) throw new RangeError(`synthetic clients end at id ${MAX_SYNTHETIC_ID}`);
    const range = table.synthetic;
    if (!range) table.synthetic = { first, last, hidden: new Set() };
    else if (range.last === first - 1) range.last = last;
    // A second range after other records: rare and small, so those are stored as ordinary records.
    else for (let id = first; id <= last; id++) this.write('Accounts', syntheticAccount(id), domain);
    table.nextId = last + 1;
    table.revision = ++this.revisions;
    this.onChange?.();
    return this.count('Accounts', domain);
  }

  /** Whether the domain has a client whose NIP equals this one, digits only (or, `exact`, as stored text). */
  hasAccountWithNip(nip: string, domain = this.defaultDomain, exact = false): boolean {
    const key = nipDigits(nip);
    if (key === '') return false;
    if (exact) {
      for (const record of this.records('Accounts', domain)) if (String(record.nip ?? '') === nip) return true;
      return false;
    }
    if ((this.nipCounts.get(domain)?.get(key) ?? 0) > 0) return true;
    const range = this.table('Accounts', domain, false)?.synthetic;
    const id = range && syntheticIdOfNip(key);
    return id !== undefined && inRange(range, id) && !range!.hidden.has(id);
  }

  /** Empties every module of every domain. */
  clear(): void {
    this.tables.clear();
    this.nipCounts.clear();
    this.onChange?.();
  }

  toSnapshot(): StoreSnapshot {
    const domains: StoreSnapshot['domains'] = {};
    for (const [domain, modules] of this.tables) {
      const entry: StoreSnapshot['domains'][string] = {};
      for (const [module, table] of modules) {
        const range = table.synthetic;
        entry[module] = {
          nextId: table.nextId,
          records: [...table.records.values()],
          ...(range ? { synthetic: { first: range.first, last: range.last, hidden: [...range.hidden] } } : {}),
        };
      }
      domains[domain] = entry;
    }
    return { version: 1, domains };
  }

  /** Replaces the whole content with a snapshot (a loaded data file); does not notify. */
  loadSnapshot(snapshot: StoreSnapshot): void {
    this.tables.clear();
    this.nipCounts.clear();
    for (const [domain, modules] of Object.entries(snapshot.domains)) {
      for (const [module, saved] of Object.entries(modules) as [ModuleName, TableSnapshot][]) {
        const table = this.table(module, domain, true);
        if (saved.synthetic) table.synthetic = { ...saved.synthetic, hidden: new Set(saved.synthetic.hidden) };
        for (const record of saved.records) this.write(module, record, domain);
        table.nextId = Math.max(table.nextId, saved.nextId);
      }
    }
  }

  private write(module: ModuleName, input: RecordInput, domain: string): SandboxRecord {
    const table = this.table(module, domain, true);
    const given = input.id === undefined || input.id === '' ? undefined : parseId(input.id);
    if (input.id !== undefined && input.id !== '' && given === undefined) throw new TypeError(`not a record id: ${String(input.id)}`);
    const id = given ?? table.nextId;
    // id first, so every answer shows it first, as the vendor's rows presumably do.
    const record: Record<string, string | number> = { id };
    for (const field in input) {
      const value = input[field];
      if (field !== 'id' && value !== undefined) record[field] = value;
    }
    const frozen = Object.freeze(record) as SandboxRecord;
    const previous = table.records.get(id);
    if (previous) this.indexNip(module, domain, previous, -1);
    table.records.set(id, frozen);
    this.indexNip(module, domain, frozen, +1);
    if (inRange(table.synthetic, id)) table.synthetic!.hidden.add(id);
    if (id >= table.nextId) table.nextId = id + 1;
    table.revision = ++this.revisions;
    return frozen;
  }

  private indexNip(module: ModuleName, domain: string, record: SandboxRecord, delta: 1 | -1): void {
    if (module !== 'Accounts' || record.nip === undefined) return;
    const key = nipDigits(String(record.nip));
    if (key === '') return;
    let counts = this.nipCounts.get(domain);
    if (!counts) this.nipCounts.set(domain, (counts = new Map()));
    const next = (counts.get(key) ?? 0) + delta;
    if (next > 0) counts.set(key, next);
    else counts.delete(key);
  }

  private table(module: ModuleName, domain: string, create: true): Table;
  private table(module: ModuleName, domain: string, create: boolean): Table | undefined;
  private table(module: ModuleName, domain: string, create: boolean): Table | undefined {
    let modules = this.tables.get(domain);
    if (!modules) {
      if (!create) return undefined;
      this.tables.set(domain, (modules = new Map()));
    }
    let table = modules.get(module);
    if (!table && create) modules.set(module, (table = { nextId: 1, revision: ++this.revisions, records: new Map() }));
    return table;
  }
}

function inRange(range: SyntheticRange | undefined, id: number): boolean {
  return range !== undefined && id >= range.first && id <= range.last;
}
