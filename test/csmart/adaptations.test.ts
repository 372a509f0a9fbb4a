import { beforeEach, describe, expect, it } from 'vitest';
import { sha1Hex } from '../../lib/config/credentials.ts';
import { createCsmartClient, type CsmartClientOptions } from '../../lib/csmart/client.ts';
import { replacementFields, withRequiredFrom } from '../../lib/csmart/edit-mode.ts';
import { parseFieldNames, renameListFields } from '../../lib/csmart/field-names.ts';
import { ALTERNATIVE_FIELD_NAMES } from '../../sandbox/behaviour.ts';
import { useSandbox } from '../support/sandbox.ts';

const sandbox = useSandbox({ behaviour: {} });

function client(overrides: Partial<CsmartClientOptions> = {}) {
  const { endpoint, domain, email, password } = sandbox.demoCredentials;
  return createCsmartClient({ credentials: async () => ({ endpoint, domain, email, hash: sha1Hex(password) }), timeoutMs: 2_000, ...overrides });
}

describe('CSMART_EDIT_MODE at the client', () => {
  it('under replace, an edit reads the record and sends it whole with the changes, so nothing is blanked', async () => {
    sandbox.current.settings.editMode = 'replace';
    const csmart = client({ editMode: 'replace' });
    const id = await csmart.save('Accounts', { name: 'Łódzka Spółka', email: 'biuro@lodzka.pl', phone_office: '+48221112233', description: 'Notatka' });

    await csmart.save('Accounts', { city: 'Kraków' }, { id });

    expect(sandbox.current.store.get('Accounts', id)).toEqual({ id: Number(id), name: 'Łódzka Spółka', email: 'biuro@lodzka.pl', phone_office: '+48221112233', description: 'Notatka', city: 'Kraków' });
    expect(sandbox.current.requests.filter((r) => r.action !== 'Login').map((r) => `${r.module}/${r.action}`)).toEqual(['Accounts/Save', 'Accounts/List', 'Accounts/Save']);
  });

  it('under merge (the default), the same edit against a replacing CSMART blanks the other fields — what the setting prevents', async () => {
    sandbox.current.settings.editMode = 'replace';
    const csmart = client();
    const id = await csmart.save('Accounts', { name: 'Łódzka Spółka', email: 'biuro@lodzka.pl' });

    await csmart.save('Accounts', { city: 'Kraków' }, { id });

    expect(sandbox.current.store.get('Accounts', id)).toEqual({ id: Number(id), city: 'Kraków' });
  });

  it('under replace, a task edit that changes only the status keeps its required subject', async () => {
    sandbox.current.settings.editMode = 'replace';
    const csmart = client({ editMode: 'replace' });
    const id = await csmart.save('Events', { name: 'Oddzwonić', date_start: '2027-01-04', time_start: '09:00' });

    await csmart.save('Events', { name: 'Oddzwonić', status: 'zamknięte' }, { id });

    expect(sandbox.current.store.get('Events', id)).toMatchObject({ name: 'Oddzwonić', date_start: '2027-01-04', time_start: '09:00', status: 'zamknięte' });
  });

  it('under replace with other List field names, the record read back is sent under the Save names', async () => {
    Object.assign(sandbox.current.settings, { editMode: 'replace', fieldNames: { ...ALTERNATIVE_FIELD_NAMES } });
    const csmart = client({ editMode: 'replace', fieldNames: ALTERNATIVE_FIELD_NAMES });
    const id = await csmart.save('Accounts', { name: 'Gęś i Syn', nip: '5260250274', description: 'Notatka' });

    await csmart.save('Accounts', { city: 'Łódź' }, { id });

    expect(sandbox.current.store.get('Accounts', id)).toEqual({ id: Number(id), name: 'Gęś i Syn', nip: '5260250274', description: 'Notatka', city: 'Łódź' });
  });

  it('under merge, a task edit without its required name reads the task and sends its name, for a CSMART that requires it on edits', async () => {
    sandbox.current.settings.requiredOnEdit = 'sent';
    const csmart = client();
    const id = await csmart.save('Events', { name: 'Oddzwonić', time_start: '09:00' });

    await csmart.save('Events', { status: 'zamknięte' }, { id });

    expect(sandbox.current.store.get('Events', id)).toEqual({ id: Number(id), name: 'Oddzwonić', time_start: '09:00', status: 'zamknięte' });
    expect(sandbox.current.requests.filter((r) => r.action !== 'Login').map((r) => `${r.module}/${r.action}`)).toEqual(['Events/Save', 'Events/List', 'Events/Save']);
  });

  it('under merge, a task edit that carries its name is sent as it is, without reading the task', async () => {
    sandbox.current.settings.requiredOnEdit = 'sent';
    const csmart = client();
    const id = await csmart.save('Events', { name: 'Oddzwonić' });

    await csmart.save('Events', { name: 'Oddzwonić', status: 'zamknięte' }, { id });

    expect(sandbox.current.requests.filter((r) => r.action !== 'Login').map((r) => `${r.module}/${r.action}`)).toEqual(['Events/Save', 'Events/Save']);
  });

  it('never invents a name: an edit of a task its List does not show is sent without one, and CSMART decides', async () => {
    sandbox.current.settings.requiredOnEdit = 'sent';
    const csmart = client();
    await csmart.save('Events', { name: 'Inne zadanie' });

    await expect(csmart.save('Events', { status: 'zamknięte' }, { id: '999' })).rejects.toThrow('CSMART Events/Save refused: Rekord o podanym id nie istnieje.');
    expect(sandbox.current.requests.filter((r) => r.module === 'Events' && r.action === 'Save').at(-1)?.fields).toEqual(['status']);
  });

  it('takes only Save fields of the current record, as text, with the changes over them', () => {
    expect(replacementFields('Accounts', { id: '7', name: 'A', payment_days: 14, created_at: '2026-01-01', city: null as never, nip: '1' }, { nip: '2', email: undefined }))
      .toEqual({ name: 'A', payment_days: '14', nip: '2' });
    expect(replacementFields('Events', undefined, { name: 'x' })).toEqual({ name: 'x' });
    expect(withRequiredFrom('Events', { id: '7', name: 'Zadanie', status: 'nowe' }, { status: 'zamknięte' })).toEqual({ name: 'Zadanie', status: 'zamknięte' });
    expect(withRequiredFrom('Events', { id: '7', name: '  ' }, { status: 'zamknięte' })).toEqual({ status: 'zamknięte' });
  });
});

describe('CSMART_FIELD_NAMES at the client', () => {
  it('hands List records on under our names, in array and id-keyed lists', async () => {
    sandbox.current.settings.fieldNames = { ...ALTERNATIVE_FIELD_NAMES };
    await sandbox.current.store.put('Accounts', { name: 'Gęś i Syn', nip: '5260250274', email: 'gesi@example.pl', description: 'opis' });
    const csmart = client({ fieldNames: ALTERNATIVE_FIELD_NAMES });

    expect(await csmart.list('Accounts')).toEqual([{ id: '1', name: 'Gęś i Syn', nip: '5260250274', email: 'gesi@example.pl', description: 'opis' }]);
    sandbox.current.settings.listShape = 'object';
    expect(await csmart.list('Accounts')).toEqual([{ id: '1', name: 'Gęś i Syn', nip: '5260250274', email: 'gesi@example.pl', description: 'opis' }]);
    expect(await client().list('Accounts')).toEqual([{ id: '1', nazwa: 'Gęś i Syn', nip_klienta: '5260250274', adres_email: 'gesi@example.pl', opis: 'opis' }]);
  });

  it('maps an id kept under another name, and lets the mapped field win over a same-named one', () => {
    expect(renameListFields([{ ID: 5, name: 'stale', nazwa: 'A' }], { id: 'ID', name: 'nazwa' })).toEqual([{ id: 5, name: 'A' }]);
    const untouched = [{ id: 1 }];
    expect(renameListFields(untouched, {})).toBe(untouched);
  });

  it('refuses a setting that is not an object of names', () => {
    expect(parseFieldNames('{"nip":"NIP"}')).toEqual({ nip: 'NIP' });
    for (const bad of ['[1]', '{"nip":""}', '{"ni p":"x"}', 'nip=NIP']) expect(typeof parseFieldNames(bad)).toBe('string');
  });
});
