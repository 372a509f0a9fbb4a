import type { SandboxRecord } from '../../../sandbox/server.ts';

/** What CSMART holds for one entity of the load: clients and tasks. */
export type EntityRecords = { accounts: number; events: number };

export type RecordTally = {
  perEntity: Map<string, EntityRecords>;
  /** Records that belong to no entity of the load: a mapping gone wrong. */
  strays: SandboxRecord[];
};

/** A client's name → its entity: the company each kind of lead is sent with (traffic.ts). */
function clientEntity(name: string): string | undefined {
  const match = /^(?:Firma (\d+) Łódź|Telefon (\d+)|Bliźniak (\d+)|Odrzucony (\d+) .*)$/u.exec(name);
  if (!match) return undefined;
  const [, lead, phone, twin, refused] = match;
  return lead !== undefined ? `lead:${lead}` : phone !== undefined ? `phone:${phone}` : twin !== undefined ? `twin:${twin}` : `refused:${refused}`;
}

/**
 * Attributes every client and task in the sandbox to the entity it was made for — from CSMART's own
 * records, never from the worker's bookkeeping: clients by their name, a lead's task by the client named
 * in its subject, a booking's task by the tag in its title.
 */
export function tallyRecords(accounts: SandboxRecord[], events: SandboxRecord[], ignore: (record: SandboxRecord) => boolean = () => false): RecordTally {
  const perEntity = new Map<string, EntityRecords>();
  const strays: SandboxRecord[] = [];
  const bump = (entity: string, key: keyof EntityRecords) => {
    const records = perEntity.get(entity) ?? { accounts: 0, events: 0 };
    records[key]++;
    perEntity.set(entity, records);
  };
  for (const account of accounts) {
    if (ignore(account)) continue;
    const entity = clientEntity(String(account.name ?? ''));
    if (entity) bump(entity, 'accounts');
    else strays.push(account);
  }
  for (const event of events) {
    if (ignore(event)) continue;
    const name = String(event.name ?? '');
    const lead = /^Contact the lead: (.*)$/u.exec(name);
    const booking = /^(?:Szkolenie (load|early|redo|gone)|Prezentacja (load))-(\d+)$/.exec(name);
    const entity = lead ? clientEntity(lead[1]!) : booking ? `${booking[1] === 'load' ? 'erp' : booking[1] ?? 'calcom'}:${booking[3]}` : undefined;
    if (entity) bump(entity, 'events');
    else strays.push(event);
  }
  return { perEntity, strays };
}

/** The records each kind must end with (see EntityKind in traffic.ts). */
export function expectedRecords(entity: string): EntityRecords {
  const kind = entity.slice(0, entity.indexOf(':'));
  if (kind === 'lead' || kind === 'phone' || kind === 'twin') return { accounts: 1, events: 1 };
  if (kind === 'gone' || kind === 'refused') return { accounts: 0, events: 0 };
  return { accounts: 0, events: 1 };
}

/** Records beyond what each entity must have. */
export function duplicatesIn(tally: RecordTally): number {
  let extra = 0;
  for (const [entity, { accounts, events }] of tally.perEntity) {
    const expected = expectedRecords(entity);
    extra += Math.max(0, accounts - Math.max(1, expected.accounts)) + Math.max(0, events - Math.max(1, expected.events));
  }
  return extra;
}

/** The entities with more than one client or task, as `lead:7 (3 clients, 1 task)`. */
export function duplicatedEntities(tally: RecordTally): string[] {
  return [...tally.perEntity]
    .filter(([, { accounts, events }]) => accounts > 1 || events > 1)
    .map(([entity, { accounts, events }]) => `${entity} (${accounts} clients, ${events} tasks)`);
}

/** Entities without the records they should have. */
export function missingIn(tally: RecordTally, entities: Iterable<string>): string[] {
  const missing: string[] = [];
  for (const entity of entities) {
    const records = tally.perEntity.get(entity) ?? { accounts: 0, events: 0 };
    const expected = expectedRecords(entity);
    if (records.events < expected.events || records.accounts < expected.accounts) missing.push(entity);
  }
  return missing;
}

/** Entities with records they must not have (a refused lead that reached CSMART anyway). */
export function unexpectedIn(tally: RecordTally): string[] {
  return [...tally.perEntity]
    .filter(([entity, records]) => { const expected = expectedRecords(entity); return (records.accounts > 0 && expected.accounts === 0) || (records.events > 0 && expected.events === 0); })
    .map(([entity]) => entity);
}
