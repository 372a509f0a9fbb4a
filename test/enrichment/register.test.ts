import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRegisterAnswer } from '../../lib/enrichment/apply-register.ts';
import { splitAddress } from '../../lib/enrichment/address.ts';
import { EnrichmentRegisterUnavailableError } from '../../lib/enrichment/errors.ts';
import { createNipLookup } from '../../lib/enrichment/nip-lookup.ts';
import type { CachedAnswer, RegisterStore } from '../../lib/enrichment/register-store.ts';
import { searchNip, type RegisterAnswer } from '../../lib/enrichment/vat-register.ts';
import { startFakeVatRegister, type FakeVatRegister } from '../../sandbox/vat-register.ts';

let register: FakeVatRegister;
beforeAll(async () => { register = await startFakeVatRegister(); });
afterAll(async () => { await register.close(); });
beforeEach(() => register.reset());

const client = () => ({ baseUrl: register.url, timeoutMs: 500 });
const FOUND: Extract<RegisterAnswer, { kind: 'found' }> = {
  kind: 'found', date: '2026-03-12', requestId: 'r1',
  subject: { name: 'PRZYKŁADOWA SPÓŁKA Z O.O.', nip: '7770001111', regon: '123456785', krs: '0000123456', statusVat: 'Czynny', address: 'UL. PIOTRKOWSKA 100, 90-001 ŁÓDŹ' },
};

describe('the VAT register client (GET /api/search/nip/{nip}?date=…)', () => {
  it('reads a found subject, with its working address', async () => {
    const answer = await searchNip('7770001111', '2026-03-12', client());
    expect(answer).toMatchObject({ kind: 'found', date: '2026-03-12', subject: { name: 'PRZYKŁADOWA SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ', regon: '123456785', statusVat: 'Czynny', address: 'UL. PIOTRKOWSKA 100, 90-001 ŁÓDŹ' } });
    expect(register.requests).toEqual(['/api/search/nip/7770001111?date=2026-03-12']);
  });

  it('falls back to the residence address of a sole trader', async () => {
    expect(await searchNip('9517538522', '2026-03-12', client())).toMatchObject({ subject: { address: 'UL. DŁUGA 5/7, 31-147 KRAKÓW', statusVat: 'Zwolniony' } });
  });

  it('reads `subject: null` as not found', async () => {
    expect(await searchNip('1112223332', '2026-03-12', client())).toMatchObject({ kind: 'not-found', date: '2026-03-12' });
  });

  it('reads the register\'s daily limit as a limit, not an outage', async () => {
    register.mode = 'limit';
    expect(await searchNip('7770001111', '2026-03-12', client())).toEqual({ kind: 'limit' });
  });

  it.each([['error' as const], ['slow' as const]])('throws EnrichmentRegisterUnavailableError when the register answers %s', async (mode) => {
    register.mode = mode;
    await expect(searchNip('7770001111', '2026-03-12', client())).rejects.toBeInstanceOf(EnrichmentRegisterUnavailableError);
  });

  it('throws EnrichmentRegisterUnavailableError when nothing listens', async () => {
    const gone = await startFakeVatRegister();
    await gone.close();
    await expect(searchNip('7770001111', '2026-03-12', { baseUrl: gone.url, timeoutMs: 500 })).rejects.toBeInstanceOf(EnrichmentRegisterUnavailableError);
  });

  it('reads a 429 whose body is not JSON (a gateway\'s page) as the limit, not an outage', async () => {
    const fetch429 = (async () => new Response('<html><body>Too Many Requests</body></html>', { status: 429, headers: { 'content-type': 'text/html' } })) as typeof fetch;
    expect(await searchNip('7770001111', '2026-03-12', { ...client(), fetch: fetch429 })).toEqual({ kind: 'limit' });
  });

  it('reads WL-191 as the limit whatever its status and text', async () => {
    const fetch191 = (async () => Response.json({ code: 'WL-191', message: 'Przekroczono.' }, { status: 400 })) as typeof fetch;
    expect(await searchNip('7770001111', '2026-03-12', { ...client(), fetch: fetch191 })).toEqual({ kind: 'limit' });
  });

  it('fake: answers its used-up limit as the register documents (429, WL-191)', async () => {
    register.mode = 'limit';
    const response = await fetch(`${register.url}/api/search/nip/7770001111?date=2026-03-12`);
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ code: 'WL-191', message: 'Limit żądań dla tego adresu IP został na dziś wyczerpany.' });
  });

  it.each([
    ['a date after today in Poland', '7770001111', '2099-01-01', 'WL-103'],
    ['a NIP of 9 digits', '777000111', '2026-03-12', 'WL-113'],
    ['a NIP with a letter', '777000111X', '2026-03-12', 'WL-114'],
    ['a NIP failing its checksum', '7770001112', '2026-03-12', 'WL-115'],
  ])('fake: refuses %s with the register\'s own code', async (_what, nip, date, code) => {
    const response = await fetch(`${register.url}/api/search/nip/${nip}?date=${date}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code });
  });

  it('answers a bad date with the register\'s documented 400 shape', async () => {
    const response = await fetch(`${register.url}/api/search/nip/7770001111?date=12.03.2026`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: expect.stringMatching(/^WL-/), message: expect.any(String) });
  });
});

/** A register store in memory; `put` fails when told to, as DynamoDB can. */
function memoryStore(options: { failPut?: boolean } = {}) {
  const answers = new Map<string, CachedAnswer>();
  const counts = new Map<string, number>();
  const store: RegisterStore = {
    async get(nip) { return answers.get(nip); },
    async put(nip, answer) {
      if (options.failPut) throw new Error('ProvisionedThroughputExceededException');
      answers.set(nip, answer);
    },
    async countRequest(day) {
      counts.set(day, (counts.get(day) ?? 0) + 1);
      return counts.get(day) ?? 0;
    },
    async exhaust(day, limit) { counts.set(day, limit); },
  };
  return { store, answers, counts };
}

describe('createNipLookup', () => {
  const now = () => new Date('2026-03-12T10:00:00Z');

  it('asks once more when the register answers WL-195 (its data were just updated), counting both requests', async () => {
    const { store, counts } = memoryStore();
    register.mode = 'refreshed';
    const lookup = createNipLookup({ store, register: client(), dailyLimit: 100, now });
    expect(await lookup('7770001111')).toMatchObject({ kind: 'found', from: 'register', subject: { regon: '123456785' } });
    expect(register.requests).toHaveLength(2);
    expect(counts.get('2026-03-12')).toBe(2);
  });

  it('asks only once more: a second WL-195 leaves the lead without enrichment', async () => {
    const { store } = memoryStore();
    const refreshedTwice = (async () => Response.json({ code: 'WL-195', message: 'Zaktualizowaliśmy bazę danych.' }, { status: 400 })) as typeof fetch;
    const lookup = createNipLookup({ store, register: { ...client(), fetch: refreshedTwice }, dailyLimit: 100, now });
    expect(await lookup('7770001111')).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('WL-195') });
  });

  it('uses the register\'s answer even when the cache cannot keep it', async () => {
    const { store } = memoryStore({ failPut: true });
    const lookup = createNipLookup({ store, register: client(), dailyLimit: 100, now });
    expect(await lookup('7770001111')).toMatchObject({ kind: 'found', from: 'register' });
  });
});

describe('applyRegisterAnswer', () => {
  const typed = { name: 'Anna Nowak', nip: '7770001111', email: 'anna@example.pl', city: 'Łódź', description: 'Message' };

  it('fill-empty never overwrites what the person typed, and leaves a half-typed address alone', () => {
    const fields = applyRegisterAnswer(typed, FOUND, 'fill-empty', '7770001111');
    expect(fields).toMatchObject({ name: 'Anna Nowak', city: 'Łódź' });
    expect(fields.address).toBeUndefined();
    expect(fields.description).toBe('Message\n\nVAT register (2026-03-12): PRZYKŁADOWA SPÓŁKA Z O.O.; REGON 123456785; KRS 0000123456; VAT status: Czynny; address: UL. PIOTRKOWSKA 100, 90-001 ŁÓDŹ');
  });

  it('fill-empty fills a stand-in name (the e-mail) and an empty address', () => {
    const fields = applyRegisterAnswer({ name: 'anna@example.pl', email: 'anna@example.pl', nip: '7770001111' }, FOUND, 'fill-empty', '7770001111');
    expect(fields).toMatchObject({ name: 'PRZYKŁADOWA SPÓŁKA Z O.O.', address: 'UL. PIOTRKOWSKA 100', postal_code: '90-001', city: 'ŁÓDŹ' });
  });

  it('prefer-register writes the register\'s name and address and keeps the typed ones in the description', () => {
    const fields = applyRegisterAnswer({ ...typed, address: 'Piotrkowska 1' }, FOUND, 'prefer-register', '7770001111');
    expect(fields).toMatchObject({ name: 'PRZYKŁADOWA SPÓŁKA Z O.O.', address: 'UL. PIOTRKOWSKA 100', postal_code: '90-001', city: 'ŁÓDŹ' });
    expect(fields.description).toContain('As typed in the lead: name: Anna Nowak; address: Piotrkowska 1, Łódź');
  });

  it('records a NIP the register does not know in the description and changes nothing else', () => {
    const fields = applyRegisterAnswer(typed, { kind: 'not-found', date: '2026-03-12', requestId: undefined }, 'prefer-register', '7770001111');
    expect(fields).toEqual({ ...typed, description: 'Message\n\nVAT register (2026-03-12): NIP 7770001111 is not in the register of VAT payers.' });
  });

  it.each([
    ['UL. PROSTA 49, 00-838 WARSZAWA', { street: 'UL. PROSTA 49', postalCode: '00-838', city: 'WARSZAWA' }],
    ['ul/ Prosta 49 00-838 Warszawa', { street: 'ul/ Prosta 49', postalCode: '00-838', city: 'Warszawa' }],
    ['WARSZAWA', { street: 'WARSZAWA', postalCode: undefined, city: undefined }],
  ])('splits the register address %j', (line, expected) => {
    expect(splitAddress(line)).toEqual(expected);
  });
});
