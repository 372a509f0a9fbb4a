import type { SandboxRecord } from '../../../sandbox/server.ts';

/** What CSMART holds for one entity of the load: clients and tasks. */
export type EntityRecords = { accounts: number; events: number };

export type RecordTally = {
  perEntity: Map<string, EntityRecords>;
  /** Records that belong to no entity of the load: a mapping gone wrong. */
  strays: SandboxRecord[];
};

/**
 * Attributes every client and task in the sandbox to the entity it was made for: clients by e-mail,
 * a lead's task by the e-mail in its description, a webhook's task by the tag in its title.
 */
export function tallyRecords(accounts: SandboxRecord[], events: SandboxRecord[]): RecordTally {
  const perEntity = new Map<string, EntityRecords>();
  const strays: SandboxRecord[] = [];
  const bump = (entity: string, key: keyof EntityRecords) => {
    const records = perEntity.get(entity) ?? { accounts: 0, events: 0 };
    records[key]++;
    perEntity.set(entity, records);
  };
  for (const account of accounts) {
    const lead = /^lead(\d+)@example\.pl$/.exec(String(account.email ?? ''));
    if (lead) bump(`lead:${lead[1]}`, 'accounts');
    else strays.push(account);
  }
  for (const event of events) {
    const lead = /E-mail: lead(\d+)@example\.pl/.exec(String(event.description ?? ''));
    const erp = /^Szkolenie load-(\d+)$/.exec(String(event.name ?? ''));
    const calcom = /^Prezentacja load-(\d+)$/.exec(String(event.name ?? ''));
    if (lead) bump(`lead:${lead[1]}`, 'events');
    else if (erp) bump(`erp:${erp[1]}`, 'events');
    else if (calcom) bump(`calcom:${calcom[1]}`, 'events');
    else strays.push(event);
  }
  return { perEntity, strays };
}

/** Records beyond one client per lead and one task per lead or booking. */
export function duplicatesIn(tally: RecordTally): number {
  let extra = 0;
  for (const { accounts, events } of tally.perEntity.values()) extra += Math.max(0, accounts - 1) + Math.max(0, events - 1);
  return extra;
}

/** The entities with more than one client or task, as `lead:7 (3 clients, 1 task)`. */
export function duplicatedEntities(tally: RecordTally): string[] {
  return [...tally.perEntity]
    .filter(([, { accounts, events }]) => accounts > 1 || events > 1)
    .map(([entity, { accounts, events }]) => `${entity} (${accounts} clients, ${events} tasks)`);
}

/** Entities without the records they should have: a client and a task for a lead, a task for a webhook. */
export function missingIn(tally: RecordTally, entities: Iterable<string>): string[] {
  const missing: string[] = [];
  for (const entity of entities) {
    const records = tally.perEntity.get(entity) ?? { accounts: 0, events: 0 };
    if (records.events === 0 || (entity.startsWith('lead:') && records.accounts === 0)) missing.push(entity);
  }
  return missing;
}
