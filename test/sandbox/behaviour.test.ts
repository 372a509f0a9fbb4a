import { describe, expect, it } from 'vitest';
import { behaviourFromEnv } from '../../sandbox/behaviour.ts';
import { useSandbox } from '../support/sandbox.ts';
import { admin, session } from './wire-client.ts';

const sandbox = useSandbox({ behaviour: {} });

describe('behaviour switches', () => {
  it('merges an edit by default, and replaces the record under editMode replace', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Łódzka Spółka', city: 'Łódź', email: 'biuro@lodzka.pl' });
    await call('Accounts', 'Save', { id: '1', city: 'Kraków' });
    expect(sandbox.current.store.get('Accounts', 1)).toEqual({ id: 1, name: 'Łódzka Spółka', city: 'Kraków', email: 'biuro@lodzka.pl' });

    expect((await admin(sandbox.current, 'POST', '/settings', { editMode: 'replace' })).status).toBe(200);
    await call('Accounts', 'Save', { id: '1', city: 'Gdańsk' });

    expect(sandbox.current.store.get('Accounts', 1)).toEqual({ id: 1, city: 'Gdańsk' });
  });

  it('under replace, an edit of a task must send its name again', async () => {
    sandbox.current.settings.editMode = 'replace';
    const { call } = await session(sandbox.current);
    await call('Events', 'Save', { name: 'Oddzwonić' });

    expect((await call('Events', 'Save', { id: '1', status: 'zamknięte' })).envelope?.error).toBe('Pole name jest wymagane.');
  });

  it('keeps a task\'s stored name on an edit without one by default, and refuses the edit under requiredOnEdit sent', async () => {
    const { call } = await session(sandbox.current);
    await call('Events', 'Save', { name: 'Oddzwonić' });
    expect((await call('Events', 'Save', { id: '1', status: 'nowe' })).envelope?.error).toBe('');

    expect((await admin(sandbox.current, 'POST', '/settings', { requiredOnEdit: 'sent' })).status).toBe(200);

    expect((await call('Events', 'Save', { id: '1', status: 'zamknięte' })).envelope?.error).toBe('Pole name jest wymagane.');
    expect((await call('Events', 'Save', { id: '1', name: 'Oddzwonić', status: 'zamknięte' })).envelope?.error).toBe('');
    expect(sandbox.current.store.get('Events', 1)).toEqual({ id: 1, name: 'Oddzwonić', status: 'zamknięte' });
    expect((await admin(sandbox.current, 'POST', '/settings', { requiredOnEdit: 'always' })).status).toBe(400);
  });

  it('names List fields differently under fieldNames, keeping Save names', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Gęś i Syn', nip: '5260250274', email: 'gesi@example.pl', description: 'opis' });
    await admin(sandbox.current, 'POST', '/settings', { fieldNames: 'alternative' });

    const list = (await call('Accounts', 'List')).envelope?.data as Record<string, unknown>[];

    expect(list).toEqual([{ id: 1, nazwa: 'Gęś i Syn', nip_klienta: '5260250274', adres_email: 'gesi@example.pl', opis: 'opis' }]);
    expect((await admin(sandbox.current, 'POST', '/settings', { fieldNames: ['x'] })).status).toBe(400);
  });

  it('matches a task NIP by digits, or under nipMatch exact only as stored', async () => {
    const { call } = await session(sandbox.current);
    await call('Accounts', 'Save', { name: 'Firma', nip: 'PL 526-025-02-74' });
    expect((await call('Events', 'Save', { name: 'a', nip: '5260250274' })).envelope?.error).toBe('');

    sandbox.current.settings.nipMatch = 'exact';

    expect((await call('Events', 'Save', { name: 'b', nip: '5260250274' })).envelope?.error).toBe('Nie znaleziono klienta o podanym NIP.');
    expect((await call('Events', 'Save', { name: 'c', nip: 'PL 526-025-02-74' })).envelope?.error).toBe('');
  });

  it('answers other error texts under errorTexts alternative', async () => {
    await admin(sandbox.current, 'POST', '/settings', { errorTexts: 'alternative' });
    const { call } = await session(sandbox.current);
    sandbox.current.expireTokens();

    expect((await call('Accounts', 'List')).envelope?.error).toBe('Odmowa dostępu (kod 401).');
  });

  it('keeps the behaviour it started with across a reset, and reads it from SANDBOX_* variables', () => {
    expect(behaviourFromEnv({ SANDBOX_EDIT_MODE: 'replace', SANDBOX_FIELD_NAMES: '{"nip":"NIP_klienta"}', SANDBOX_NIP_MATCH: 'exact', SANDBOX_ERROR_TEXTS: 'alternative', SANDBOX_REQUIRED_ON_EDIT: 'sent' }))
      .toEqual({ editMode: 'replace', fieldNames: { nip: 'NIP_klienta' }, nipMatch: 'exact', errorTexts: 'alternative', requiredOnEdit: 'sent' });
    expect(() => behaviourFromEnv({ SANDBOX_EDIT_MODE: 'overwrite' })).toThrow(/editMode/);
    sandbox.current.settings.editMode = 'replace';
    sandbox.current.reset();
    expect(sandbox.current.settings.editMode).toBe('merge');
  });
});
