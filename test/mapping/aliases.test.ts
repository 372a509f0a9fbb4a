import { describe, expect, it } from 'vitest';
import { fieldKeyOf, leadFieldOf, normaliseFieldName } from '../../lib/mapping/aliases.ts';
import { accountOf, planFor } from './lead.ts';

const REACH = { email: 'jan@example.pl' };

describe('default aliases → lead fields', () => {
  it.each([
    ['company'], ['company_name'], ['firma'], ['Nazwa firmy'], ['organization'],
  ])('reads the company from "%s"', (name) => {
    const account = accountOf(planFor({ ...REACH, [name]: 'ACME sp. z o.o.' }));

    expect(account.fields.name).toBe('ACME sp. z o.o.');
    expect(account.fields.type).toBe('firma');
  });

  it.each([
    ['first_name', 'last_name'], ['firstname', 'lastname'], ['imie', 'nazwisko'], ['Imię', 'Nazwisko'], ['fname', 'surname'],
  ])('reads a person from "%s" and "%s"', (first, last) => {
    const account = accountOf(planFor({ ...REACH, [first]: 'Jan', [last]: 'Kowalski' }));

    expect(account.fields.name).toBe('Jan Kowalski');
    expect(account.fields.type).toBe('osoba');
  });

  it.each([['name'], ['full_name'], ['Imię i nazwisko'], ['your-name']])('reads a full name from "%s"', (name) => {
    expect(accountOf(planFor({ ...REACH, [name]: 'Anna Maria Nowak' })).fields.name).toBe('Anna Maria Nowak');
  });

  it.each([['email'], ['e-mail'], ['E-mail'], ['mail'], ['email_address'], ['adres_email'], ['your-email']])('reads the e-mail from "%s"', (name) => {
    expect(accountOf(planFor({ [name]: 'Jan@Example.pl' })).fields.email).toBe('jan@example.pl');
  });

  it.each([['phone'], ['tel'], ['telephone'], ['phone_number'], ['telefon'], ['Nr telefonu']])('reads the phone from "%s"', (name) => {
    expect(accountOf(planFor({ [name]: '22 123 45 67' })).fields.phone_office).toBe('+48221234567');
  });

  it.each([
    ['Imię', 'first_name'], ['Twoje imię', 'first_name'], ['Nazwisko', 'last_name'], ['Imię i nazwisko', 'name'], ['Nazwisko i imię', 'name'],
    ['Telefon', 'phone'], ['Nr telefonu', 'phone'], ['Nr tel.', 'phone'], ['Twój telefon', 'phone'], ['Telefon kontaktowy', 'phone'],
    ['Numer telefonu komórkowego', 'phone'], ['Tel. kom.', 'phone'], ['Adres e-mail', 'email'], ['Twój e-mail', 'email'],
    ['Twój adres e-mail', 'email'], ['E-mail służbowy', 'email'], ['Adres mailowy', 'email'], ['Firma', 'company'], ['Nazwa firmy', 'company'],
    ['Wiadomość', 'message'], ['Twoja wiadomość', 'message'], ['Treść', 'message'], ['Treść wiadomości', 'message'], ['NIP', 'nip'],
    ['Nr NIP', 'nip'], ['Kod pocztowy', 'postal_code'], ['Miasto', 'city'],
  ])('reads the Polish label "%s" as %s, whatever its case and diacritics', (label, field) => {
    expect([label, label.toUpperCase(), label.normalize('NFD').replace(/\p{M}/gu, '')].map(leadFieldOf)).toEqual([field, field, field]);
  });

  it('reads "Twój …" as the field it names, never a field of its own', () => {
    expect(['Twój', 'Twoja zgoda', 'twoj_kolor'].map(leadFieldOf)).toEqual([undefined, undefined, undefined]);
  });

  it.each([['nip'], ['NIP'], ['vat_id'], ['tax_id']])('reads the NIP from "%s"', (name) => {
    expect(accountOf(planFor({ ...REACH, [name]: '123-456-32-18' })).fields.nip).toBe('1234563218');
  });

  it.each([
    ['address', 'postal_code', 'city', 'country'],
    ['street', 'zip', 'town', 'country'],
    ['adres', 'kod_pocztowy', 'miasto', 'kraj'],
    ['Ulica', 'Kod pocztowy', 'Miejscowość', 'Kraj'],
  ])('reads the address from "%s", "%s", "%s", "%s"', (address, postal, city, country) => {
    const account = accountOf(planFor({ ...REACH, [address]: 'ul. Długa 5', [postal]: '80-831', [city]: 'Gdańsk', [country]: 'Polska' }));

    expect(account.fields).toMatchObject({ address: 'ul. Długa 5', postal_code: '80-831', city: 'Gdańsk', country: 'Polska' });
  });

  it.each([['message'], ['wiadomosc'], ['Wiadomość'], ['comments'], ['your-message'], ['tresc']])('reads the message from "%s"', (name) => {
    expect(accountOf(planFor({ ...REACH, [name]: 'Proszę o ofertę.' })).fields.description).toMatch(/^Message:\nProszę o ofertę\.\n/);
  });

  it('reads the page, the referrer and UTM parameters', () => {
    const description = accountOf(planFor({ ...REACH, page: 'https://www.example.pl/oferta', referer: 'https://google.com/', utm_source: 'google', utm_campaign: 'wiosna' })).fields.description;

    expect(description).toContain('Page: https://www.example.pl/oferta');
    expect(description).toContain('Referrer: https://google.com/');
    expect(description).toContain('UTM: utm_source=google, utm_campaign=wiosna');
  });

  it('reads a Polish consent field zgoda_<name> as consent_<name>', () => {
    expect(accountOf(planFor({ ...REACH, zgoda_rodo: 'tak' })).fields.description).toContain('- rodo: given at');
  });
});

describe('form-builder nesting', () => {
  it('reads Elementor "advanced data" fields[<id>][value] and skips their metadata', () => {
    const account = accountOf(planFor({
      'fields[email][value]': 'jan@example.pl',
      'fields[email][title]': 'E-mail',
      'fields[email][type]': 'email',
      'fields[name][value]': 'Jan Kowalski',
    }));

    expect(account.fields.email).toBe('jan@example.pl');
    expect(account.fields.name).toBe('Jan Kowalski');
    expect(account.fields.description).not.toContain('E-mail: E-mail');
    expect(account.fields.description).not.toContain('Other fields');
  });

  it('reads Elementor form_fields[<id>] and checkbox groups name[]', () => {
    const account = accountOf(planFor({ 'form_fields[email]': 'jan@example.pl', 'interests[]': ['dostawa', 'hurt'] }));

    expect(account.fields.email).toBe('jan@example.pl');
    expect(account.fields.description).toContain('Other fields:\n- interests[]: dostawa, hurt');
  });

  it.each([
    ['fields[email][value]', 'email'],
    ['form_fields[phone]', 'phone'],
    ['interests[]', 'interests'],
    ['fields[email][raw_value]', undefined],
    ['plain', 'plain'],
  ])('finds the field name in %s', (key, expected) => {
    expect(fieldKeyOf(key)).toBe(expected);
  });

  it('normalises names: case, Polish letters, separators, the Contact Form 7 your- prefix', () => {
    expect(['Imię i nazwisko', 'E-MAIL', 'your-phone', 'Miejscowość', 'Łódź'].map(normaliseFieldName)).toEqual(['imie_i_nazwisko', 'e_mail', 'phone', 'miejscowosc', 'lodz']);
  });
});

describe('per-form mapping', () => {
  it('maps a form field the aliases do not know', () => {
    const account = accountOf(planFor({ pole_7: 'jan@example.pl', pole_8: 'ACME' }, { mapping: { pole_7: 'email', pole_8: 'company' } }));

    expect(account.fields).toMatchObject({ email: 'jan@example.pl', name: 'ACME' });
  });

  it('lets the mapping beat an alias for the same lead field', () => {
    const account = accountOf(planFor({ email: 'form@example.pl', kontakt_email: 'person@example.pl' }, { mapping: { kontakt_email: 'email' } }));

    expect(account.fields.email).toBe('person@example.pl');
  });

  it('matches mapping names written differently from the form (case, letters)', () => {
    expect(accountOf(planFor({ 'adres-e-mail-klienta': 'jan@example.pl' }, { mapping: { 'Adres e-mail klienta': 'email' } })).fields.email).toBe('jan@example.pl');
  });

  it('reads a field named like form machinery when the form maps it by name (Contact Form 7\'s _url tag)', () => {
    const description = accountOf(planFor({ ...REACH, _url: 'https://example.pl/kontakt', _ts: '1773222000000' }, { mapping: { _url: 'page_url' } })).fields.description;

    expect(description).toContain('https://example.pl/kontakt');
    expect(description).not.toContain('1773222000000');
    const cf7 = accountOf(planFor({ 'your-email': 'anna@example.pl', _url: 'https://example.pl/kontakt' }, { preset: 'cf7', mapping: { _url: 'page_url' } })).fields.description;
    expect(cf7).toContain('https://example.pl/kontakt');
  });

  it('prefers a field named exactly like the lead field over an alias of it', () => {
    expect(accountOf(planFor({ mail: 'alias@example.pl', email: 'exact@example.pl' })).fields.email).toBe('exact@example.pl');
  });
});

describe('fields that are not lead fields', () => {
  it('keeps unknown fields in the description under Other fields', () => {
    expect(accountOf(planFor({ ...REACH, budzet: '10–20 tys. zł' })).fields.description).toContain('Other fields:\n- budzet: 10–20 tys. zł');
  });

  it('leaves control fields (honeypot, _ts, captcha tokens, submit) out of the description', () => {
    const description = accountOf(planFor({ ...REACH, _gotcha: '', _ts: '1773222000000', 'cf-turnstile-response': 'tok', _submission_id: 'x1', submit: 'Wyślij' })).fields.description;

    expect(description).not.toMatch(/_ts|turnstile|tok|x1|Wyślij|Other fields/);
  });
});
