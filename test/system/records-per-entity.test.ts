import { describe, expect, it } from 'vitest';
import type { SandboxRecord } from '../../sandbox/server.ts';
import { duplicatedEntities, duplicatesIn, missingIn, tallyRecords, unexpectedIn } from './support/records-per-entity.ts';

// The figures the fault-load test asserts on: these show they catch what they are there to catch.
let nextId = 1;
const record = (fields: Record<string, string>): SandboxRecord => ({ id: nextId++, ...fields });
const leadClient = (n: number) => record({ name: `Firma ${n} Łódź`, email: `lead${n}@example.pl` });
const leadTask = (n: number) => record({ name: `Contact the lead: Firma ${n} Łódź`, description: `Message:\nZapytanie ${n}` });
const phoneClient = (n: number) => record({ name: `Telefon ${n}`, phone_mobile: `+4850000000${n}` });
const phoneTask = (n: number) => record({ name: `Contact the lead: Telefon ${n}` });
const erpTask = (n: number) => record({ name: `Szkolenie load-${n}` });
const calcomTask = (n: number) => record({ name: `Prezentacja load-${n}` });

describe('records per entity', () => {
  it('counts nothing twice when every entity has its one client and one task', () => {
    const tally = tallyRecords([leadClient(1), leadClient(2)], [leadTask(1), leadTask(2), erpTask(1), calcomTask(1)]);
    expect(duplicatesIn(tally)).toBe(0);
    expect(missingIn(tally, ['lead:1', 'lead:2', 'erp:1', 'calcom:1'])).toEqual([]);
    expect(tally.strays).toEqual([]);
  });

  it('counts a second client of the same e-mail and a second task of the same booking as duplicates', () => {
    const tally = tallyRecords([leadClient(1), leadClient(1)], [leadTask(1), calcomTask(7), calcomTask(7), erpTask(3)]);
    expect(duplicatesIn(tally)).toBe(2);
    expect(duplicatedEntities(tally)).toEqual(['lead:1 (2 clients, 1 tasks)', 'calcom:7 (0 clients, 2 tasks)']);
  });

  it('names a lead without its client or task, and a webhook without its task, as missing', () => {
    const tally = tallyRecords([leadClient(1), leadClient(2)], [leadTask(2), erpTask(1)]);
    expect(missingIn(tally, ['lead:1', 'lead:2', 'lead:3', 'erp:1', 'erp:2'])).toEqual(['lead:1', 'lead:3', 'erp:2']);
  });

  it('counts a phone-only lead\'s second client as a duplicate, and a refused lead\'s client as unexpected', () => {
    const tally = tallyRecords([phoneClient(1), phoneClient(1), record({ name: 'Odrzucony 4 ODRZUĆ' })], [phoneTask(1)]);
    expect(duplicatedEntities(tally)).toEqual(['phone:1 (2 clients, 1 tasks)']);
    expect(unexpectedIn(tally)).toEqual(['refused:4']);
    expect(missingIn(tally, ['phone:1', 'refused:4', 'gone:1'])).toEqual([]);
  });

  it('keeps records of no entity of the load apart as strays', () => {
    const stray = record({ name: 'Telefon do partnera', description: 'Od partnera' });
    const tally = tallyRecords([record({ name: 'Bez e-maila' })], [stray]);
    expect(tally.strays).toHaveLength(2);
    expect(duplicatesIn(tally)).toBe(0);
  });
});
