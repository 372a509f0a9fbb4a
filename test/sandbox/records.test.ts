import { describe, expect, it } from 'vitest';
import { MODULE_NAMES } from '../../lib/csmart/modules.ts';
import { useSandbox } from '../support/sandbox.ts';
import { admin, post, session } from './wire-client.ts';

const sandbox = useSandbox();
const TRICKY = 'Zażółć gęślą jaźń & a=b+c%20 100% \n emoji 🚀';

describe('List', () => {
  it.each(MODULE_NAMES)('lists %s as an array of records with numeric ids', async (module) => {
    const { call } = await session(sandbox.current);

    const answer = await call(module, 'List');

    expect(answer.envelope?.error).toBe('');
    expect(Array.isArray(answer.envelope?.data)).toBe(true);
    for (const record of answer.envelope?.data as { id: unknown }[]) expect(typeof record.id).toBe('number');
  });

  it('seeds the read-only modules with records carrying Polish letters', async () => {
    const { call } = await session(sandbox.current);

    for (const module of ['Quotes', 'SalesOrders', 'Invoices', 'Products']) {
      const answer = await call(module, 'List');
      expect((answer.envelope?.data as unknown[]).length).toBeGreaterThan(0);
      expect(answer.text).toMatch(/[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/);
    }
  });

  it('starts with Accounts, Events and Opportunities empty', async () => {
    const { call } = await session(sandbox.current);

    for (const module of ['Accounts', 'Events', 'Opportunities']) expect((await call(module, 'List')).envelope).toEqual({ error: '', data: [] });
  });
});

describe('Save', () => {
  it('creates records with the next integer id and lists them back as saved', async () => {
    const { call } = await session(sandbox.current);

    const first = await call('Accounts', 'Save', { name: 'Alfa', nip: '526-025-02-74' });
    const second = await call('Accounts', 'Save', { name: 'Beta' });
    const list = await call('Accounts', 'List');

    expect(first.envelope).toEqual({ error: '', data: 1 });
    expect(second.envelope).toEqual({ error: '', data: 2 });
    expect(list.envelope?.data).toEqual([{ id: 1, name: 'Alfa', nip: '526-025-02-74' }, { id: 2, name: 'Beta' }]);
  });

  it('edits an existing record, merging the given fields into it', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Alfa', city: 'Łódź' });

    const edit = await call('Accounts', 'Save', { id: '1', city: 'Kraków', email: 'biuro@alfa.pl' });

    expect(edit.envelope).toEqual({ error: '', data: 1 });
    expect(sandbox.current.store.list('Accounts')).toEqual([{ id: 1, name: 'Alfa', city: 'Kraków', email: 'biuro@alfa.pl' }]);
  });

  it.each(['99', 'abc', '-1'])('refuses to edit unknown id %s', async (id) => {
    const { call } = await session(sandbox.current);

    const answer = await call('Accounts', 'Save', { id, name: 'X' });

    expect(answer.envelope).toEqual({ error: 'Rekord o podanym id nie istnieje.' });
    expect(sandbox.current.store.count('Accounts')).toBe(0);
  });

  it('refuses a field the module does not have, naming it', async () => {
    const { call } = await session(sandbox.current);

    const answer = await call('Accounts', 'Save', { name: 'X', colour: 'red' });

    expect(answer.envelope).toEqual({ error: 'Nieznane pole: colour' });
    expect(sandbox.current.store.count('Accounts')).toBe(0);
  });

  it('refuses Save on a read-only module and an unknown module or action', async () => {
    const { call } = await session(sandbox.current);

    expect((await call('Quotes', 'Save', { name: 'X' })).envelope?.error).toBe('Moduł Quotes nie obsługuje akcji Save.');
    expect((await call('Leads', 'List')).envelope?.error).toBe('Nieznany moduł: Leads');
    expect((await call('Accounts', 'Delete')).envelope?.error).toBe('Nieznana akcja: Delete');
    expect((await post(sandbox.current, {}, {})).envelope?.error).toBe('Brak wymaganego parametru: module');
  });

  it('round-trips Polish letters, &, =, +, %, spaces, new lines and emoji byte for byte', async () => {
    const { call } = await session(sandbox.current);
    const values = { name: TRICKY, description: 'linia 1\r\nlinia 2\nlinia 3', description1: '  spacje  +plus+ ' };

    const saved = await call('Accounts', 'Save', values);
    const list = await call('Accounts', 'List');

    expect(saved.envelope?.error).toBe('');
    const [record] = list.envelope?.data as Record<string, string>[];
    for (const [field, value] of Object.entries(values)) expect(Buffer.from(record![field]!)).toEqual(Buffer.from(value));
  });

  it("decodes '+' as a space and percent escapes as UTF-8 in a hand-written body", async () => {
    const { token } = await session(sandbox.current);

    await post(sandbox.current, { module: 'Accounts', action: 'Save' }, `domain=demo&token=${token}&name=Gr%C3%B3d+%26+Syn%2B`);

    expect(sandbox.current.store.get('Accounts', 1)?.name).toBe('Gród & Syn+');
  });
});

describe('Events', () => {
  it('requires a name', async () => {
    const { call } = await session(sandbox.current);

    expect((await call('Events', 'Save', { description: 'bez tematu' })).envelope).toEqual({ error: 'Pole name jest wymagane.' });
    expect((await call('Events', 'Save', { name: '   ' })).envelope).toEqual({ error: 'Pole name jest wymagane.' });
  });

  it('keeps the name required on edit only when it is sent empty', async () => {
    const { call } = await session(sandbox.current);
    await call('Events', 'Save', { name: 'Telefon' });

    expect((await call('Events', 'Save', { id: '1', status: 'zamknięte' })).envelope?.error).toBe('');
    expect((await call('Events', 'Save', { id: '1', name: '' })).envelope).toEqual({ error: 'Pole name jest wymagane.' });
  });

  it('links a task to an existing client by NIP, comparing digits only', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Alfa', nip: '526-025-02-74' });

    const answer = await call('Events', 'Save', { name: 'Oddzwonić', nip: '5260250274', date_start: '2025-04-04', time_start: '14:20' });

    expect(answer.envelope).toEqual({ error: '', data: 1 });
    expect(sandbox.current.store.get('Events', 1)).toEqual({ id: 1, name: 'Oddzwonić', nip: '5260250274', date_start: '2025-04-04', time_start: '14:20' });
  });

  it('refuses a NIP no client of the domain has', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Alfa', nip: '5260250274' });

    const answer = await call('Events', 'Save', { name: 'Oddzwonić', nip: '7740001454' });

    expect(answer.envelope).toEqual({ error: 'Nie znaleziono klienta o podanym NIP.' });
    expect(sandbox.current.store.count('Events')).toBe(0);
  });

  it('follows a client whose NIP was edited', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Alfa', nip: '5260250274' });
    await call('Accounts', 'Save', { id: '1', nip: '7740001454' });

    expect((await call('Events', 'Save', { name: 'a', nip: '5260250274' })).envelope?.error).toBe('Nie znaleziono klienta o podanym NIP.');
    expect((await call('Events', 'Save', { name: 'b', nip: '7740001454' })).envelope?.error).toBe('');
  });
});

describe('Opportunities', () => {
  it('requires account_id, when given, to name an existing client', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Alfa' });

    expect((await call('Opportunities', 'Save', { name: 'Wdrożenie', account_id: '1', total: '1000' })).envelope).toEqual({ error: '', data: 1 });
    expect((await call('Opportunities', 'Save', { name: 'Inna', account_id: '7' })).envelope).toEqual({ error: 'Nie znaleziono klienta o podanym id.' });
    expect((await call('Opportunities', 'Save', { name: 'Bez klienta' })).envelope).toEqual({ error: '', data: 2 });
  });
});

describe('answer shapes', () => {
  it('answers lists as an id-keyed object and ids as strings when set so', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Alfa' });
    await call('Accounts', 'Save', { name: 'Beta' });

    await admin(sandbox.current, 'POST', '/settings', { listShape: 'object', idType: 'string' });
    const list = await call('Accounts', 'List');
    const save = await call('Accounts', 'Save', { name: 'Gamma' });

    expect(list.envelope?.data).toEqual({ 1: { id: '1', name: 'Alfa' }, 2: { id: '2', name: 'Beta' } });
    expect(list.text).toContain('{"error":"","data":{"1":{"id":"1","name":"Alfa"},"2":');
    expect(save.envelope).toEqual({ error: '', data: '3' });
  });

  it("answers an empty list as [] even in object shape, as PHP's json_encode does", async () => {
    const { call } = await session(sandbox.current);
    sandbox.current.settings.listShape = 'object';

    expect((await call('Events', 'List')).envelope).toEqual({ error: '', data: [] });
  });

  it('shows a record edited in-process in the next List', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'List');

    sandbox.current.store.put('Accounts', { name: 'Wstawiony w teście' });

    expect((await call('Accounts', 'List')).envelope?.data).toEqual([{ id: 1, name: 'Wstawiony w teście' }]);
  });
});
