import { describe, expect, it } from 'vitest';
import { isTicked } from '../../lib/mapping/consents.ts';
import { accountOf, planFor, recordOf } from './lead.ts';

const descriptionOf = (fields: Record<string, string>, settings: unknown = {}) => accountOf(planFor({ email: 'a@b.pl', ...fields }, settings)).fields.description ?? '';

describe('consents (RODO)', () => {
  it('records a ticked consent as given, with the text shown, the time and the page', () => {
    const description = descriptionOf({ consent_rodo: 'on', consent_rodo_text: 'Wyrażam zgodę na przetwarzanie danych osobowych.', page_url: 'https://www.example.pl/kontakt' });

    expect(description).toContain('Consents:\n- rodo: given at 2026-03-11T10:00:00.000Z on https://www.example.pl/kontakt; text: "Wyrażam zgodę na przetwarzanie danych osobowych."');
  });

  it('takes the text and version from the form settings when the form does not send them', () => {
    const description = descriptionOf({ consent_marketing: 'tak' }, { consents: { marketing: { text: 'Zgoda na newsletter', version: '2025-01' } } });

    expect(description).toContain('- marketing: given at 2026-03-11T10:00:00.000Z; text: "Zgoda na newsletter"; version: 2025-01');
  });

  it('prefers the text the form showed over the text in the settings', () => {
    const description = descriptionOf({ consent_rodo: '1', consent_rodo_text: 'Tekst z formularza' }, { consents: { rodo: { text: 'Tekst z ustawień', version: 'v3' } } });

    expect(description).toContain('text: "Tekst z formularza"; version: v3');
  });

  it.each([['on'], ['1'], ['true'], ['yes'], ['tak'], ['TAK'], [' On ']])('counts %s as ticked', (value) => {
    expect(isTicked(value)).toBe(true);
  });

  it.each([['0'], ['false'], ['no'], ['nie'], ['off'], [''], ['Wyrażam zgodę']])('never counts %s as given', (value) => {
    expect(isTicked(value)).toBe(false);
    expect(descriptionOf({ consent_rodo: value })).not.toContain('rodo: given');
  });

  it('records an unticked consent as not given', () => {
    expect(descriptionOf({ consent_marketing: 'false' })).toContain('- marketing: not given');
  });

  it('records a consent the settings know but the form did not send as not given', () => {
    expect(descriptionOf({}, { consents: { marketing: { text: 'Newsletter' } } })).toContain('- marketing: not given');
  });

  it('leaves consents that were not given out when the form asks so', () => {
    expect(descriptionOf({ consent_marketing: '0' }, { recordConsentsNotGiven: false })).not.toContain('marketing');
  });

  it('records the consents on the follow-up task too', () => {
    const task = recordOf(planFor({ email: 'a@b.pl', consent_rodo: 'on' }, { followUps: { task: {} } }), 'Events');

    expect(task?.fields.description).toContain('- rodo: given at 2026-03-11T10:00:00.000Z');
  });
});
