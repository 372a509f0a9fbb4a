import { beforeEach, describe, expect, it } from 'vitest';
import { readSettings } from '../../lib/config/settings.ts';
import { sha1Hex } from '../../lib/config/credentials.ts';
import { createCsmartClient, type CsmartClientOptions } from '../../lib/csmart/client.ts';
import { CsmartAuthError, CsmartConfigError, CsmartUpstreamError, CsmartValidationError } from '../../lib/csmart/errors.ts';
import { createErrorClassifier, KNOWN_ERROR_TEXTS } from '../../lib/csmart/known-errors.ts';
import { MESSAGES } from '../../sandbox/messages.ts';
import { thrown } from '../support/thrown.ts';
import { useSandbox } from '../support/sandbox.ts';

const sandbox = useSandbox();

function client(overrides: Partial<CsmartClientOptions> = {}) {
  const { endpoint, domain, email, password } = sandbox.demoCredentials;
  return createCsmartClient({
    credentials: async () => ({ endpoint, domain, email, hash: sha1Hex(password) }),
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

async function inject(fault: Record<string, unknown>) {
  const response = await fetch(`${sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(fault) });
  expect(response.ok).toBe(true);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const CLASS_OF = { validation: CsmartValidationError, auth: CsmartAuthError, transient: CsmartUpstreamError } as const;

describe('known CSMART error texts (path 3)', () => {
  it.each(KNOWN_ERROR_TEXTS.map((row) => [row.kind, row.example] as const))('reads %s from the sandbox answering "%s" inside HTTP 200', async (kind, text) => {
    // Fresh tokens for every auth text: the one re-login must meet the fault too, to see what the client concludes.
    await inject({ kind: 'error', text, module: 'Accounts', action: 'Save', count: kind === 'auth' ? 2 : 1 });
    const error = await rejection(client().save('Accounts', { name: 'Firma' }));
    expect(error).toBeInstanceOf(CLASS_OF[kind]);
    expect(error).toMatchObject({ module: 'Accounts', action: 'Save' });
  });

  it('treats an unknown error text (a maintenance notice, a rate limit) as transient, never as refused data', async () => {
    await inject({ kind: 'error', text: 'Serwis chwilowo niedostępny — aktualizacja systemu', module: 'Accounts', action: 'Save', count: 1 });
    const error = await rejection(client().save('Accounts', { name: 'Firma' }));
    expect(error).toBeInstanceOf(CsmartUpstreamError);
    expect(error).toMatchObject({ code: 'upstream', transient: true });
  });

  it('classifies every text the sandbox itself answers with', () => {
    const classify = createErrorClassifier();
    const texts = Object.values(MESSAGES).map((m) => (typeof m === 'function' ? (m as (...names: string[]) => string)('x', 'y') : m));
    expect(texts.map((t) => [t, classify(t)])).toEqual(texts.map((t) => [t,
      t === MESSAGES.internalError ? 'transient' : t === MESSAGES.loginFailed || t === MESSAGES.badToken ? 'auth' : 'validation']));
  });

  it('matches texts without regard to case, diacritics or spacing', () => {
    const classify = createErrorClassifier();
    expect(classify('POLE  NAME JEST WYMAGANE')).toBe('validation');
    expect(classify('Nieprawidlowy lub wygasly token')).toBe('auth');
  });

  it('takes more texts from CSMART_ERROR_TEXTS, which win over the built-in table', async () => {
    const settings = readSettings({ CSMART_ERROR_TEXTS: '{"validation":["Limit rekordów przekroczony"],"transient":["Nie znaleziono klienta o podanym NIP"]}' });
    const classify = createErrorClassifier({ extra: settings.errorTexts! });
    expect(classify('Limit rekordów przekroczony dla modułu Accounts')).toBe('validation');
    expect(classify(MESSAGES.accountNipNotFound)).toBe('transient');

    await inject({ kind: 'error', text: 'Limit rekordów przekroczony', module: 'Accounts', action: 'Save', count: 1 });
    expect(await rejection(client({ errorTexts: settings.errorTexts! }).save('Accounts', { name: 'Firma' }))).toBeInstanceOf(CsmartValidationError);
  });

  it('keeps CSMART_AUTH_ERROR_PATTERN working for texts not in the table', () => {
    const classify = createErrorClassifier({ isAuthMessage: (m) => /odmowa dostępu/i.test(m) });
    expect(classify('Odmowa dostępu')).toBe('auth');
  });

  it.each([
    ['not JSON', 'validation: x'],
    ['an unknown kind', '{"fatal":["x"]}'],
    ['texts that are not a list of text', '{"validation":"x"}'],
    ['an empty text', '{"auth":[""]}'],
  ])('refuses CSMART_ERROR_TEXTS that is %s, naming the setting', (_what, value) => {
    const error = thrown(CsmartConfigError, () => readSettings({ CSMART_ERROR_TEXTS: value }));
    expect(error).toMatchObject({ field: 'CSMART_ERROR_TEXTS' });
  });
});

describe('required fields (path 4)', () => {
  it('applies them to creates only: an edit sends just what changes', async () => {
    const id = await client().save('Events', { name: 'Spotkanie', status: 'Otwarte' });
    await client().save('Events', { status: 'Anulowane' }, { id });
    expect(sandbox.current.store.get('Events', id)).toMatchObject({ name: 'Spotkanie', status: 'Anulowane' });
    expect(await rejection(client().save('Events', { status: 'Anulowane' }))).toMatchObject({ code: 'validation', field: 'name' });
  });
});
