import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../lib/http/body.ts';
import { parseFormSettings } from '../../lib/mapping/form-settings.ts';
import { mapLead } from '../../lib/mapping/map-lead.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { accountOf, NOW, TIME_ZONE } from './lead.ts';

const PRESETS = new URL('../events/leads/presets/', import.meta.url);

/** A builder's recorded webhook body, read by the real body parser as the leads function does. */
async function fieldsOf(file: string, contentType: string) {
  const body = readFileSync(new URL(file, PRESETS));
  const event = httpEvent({ method: 'POST', path: '/leads/wp', headers: { 'content-type': contentType }, body });
  return (await readBody(event, { maxBytes: 64 * 1024 })).fields ?? {};
}

async function accountFor(file: string, contentType: string, settings: Record<string, unknown>) {
  const fields = await fieldsOf(file, contentType);
  const { plan } = mapLead({ form: 'wp', fields, settings: parseFormSettings('wp', settings), now: NOW, timeZone: TIME_ZONE, submissionId: 'sub-1' });
  return accountOf(plan);
}

/** Elementor's "Advanced Data" fields: `fields[<id>][id|type|title|value|raw_value|required]`, as WordPress posts them. */
function advanced(fields: Array<[id: string, type: string, title: string, value: string]>): Record<string, string> {
  return Object.fromEntries(fields.flatMap(([id, type, title, value]) => [
    [`fields[${id}][id]`, id], [`fields[${id}][type]`, type], [`fields[${id}][title]`, title],
    [`fields[${id}][value]`, value], [`fields[${id}][raw_value]`, value], [`fields[${id}][required]`, ''],
  ]));
}

const elementorPlan = (fields: Record<string, string>, settings: Record<string, unknown> = {}) =>
  mapLead({ form: 'wp', fields, settings: parseFormSettings('wp', { preset: 'elementor', ...settings }), now: NOW, timeZone: TIME_ZONE, submissionId: 'sub-1' }).plan;

const SAME_LEAD = { name: 'Przykład Sp. z o.o.', email: 'anna.nowak@example.pl', phone_mobile: '+48600123456', nip: '7770001111' };

describe('form-builder presets: a recorded webhook body → the client', () => {
  it('reads Contact Form 7 ("CF7 to Webhook" JSON of tag names): your-*, auto-named tel-N, acceptance-* as a consent', async () => {
    const account = await accountFor('cf7.json', 'application/json; charset=UTF-8', { preset: 'cf7', required: [['email', 'phone'], 'consent_rodo'] });
    expect(account.fields).toMatchObject(SAME_LEAD);
    expect(account.fields.description).toContain('Proszę o kontakt w sprawie wdrożenia CRM.');
    expect(account.fields.description).toMatch(/rodo: given at/);
    expect(account.fields.description).toContain('Page: https://www.example.pl/kontakt');
  });

  it('reads Elementor\'s "Advanced Data" body: fields[id][value], random ids by their label, acceptance as a consent, no IP or browser', async () => {
    const account = await accountFor('elementor-advanced.txt', 'application/x-www-form-urlencoded', { preset: 'elementor', required: [['email', 'phone'], 'consent_rodo'] });
    expect(account.fields).toMatchObject({ name: 'Anna Nowak', email: 'anna.nowak@example.pl', phone_mobile: '+48600123456', nip: '7770001111' });
    expect(account.fields.description).toContain('Proszę o ofertę.');
    expect(account.fields.description).toMatch(/rodo: given at .*text: "Zgadzam się na przetwarzanie danych\."/);
    expect(account.fields.description).toContain('Page: https://www.example.pl/kontakt/');
    expect(account.fields.description).not.toMatch(/203\.0\.113\.7|Mozilla|Elementor/);
  });

  it('reads Elementor\'s simple body of labels, dropping its metadata lines', async () => {
    const account = await accountFor('elementor-simple.txt', 'application/x-www-form-urlencoded', { preset: 'elementor' });
    expect(account.fields).toMatchObject({ name: 'Anna Nowak', email: 'anna.nowak@example.pl', phone_mobile: '+48600123456', nip: '7770001111' });
    expect(account.fields.description).toContain('Page: https://www.example.pl/kontakt/');
    expect(account.fields.description).not.toMatch(/203\.0\.113\.7|Mozilla|Powered/);
  });

  it('accepts an Elementor post of auto-generated ids with Polish labels ("Twój e-mail", "Nr tel.")', () => {
    const fields = advanced([['field_5a1c9e2', 'email', 'Twój e-mail', 'anna@example.pl'], ['field_7b', 'tel', 'Nr tel.', '600123456']]);

    expect(accountOf(elementorPlan(fields)).fields).toMatchObject({ email: 'anna@example.pl', phone_mobile: '+48600123456' });
  });

  it('reads Elementor fields whose id and label mean nothing by their type: the first email field is the e-mail, the first tel field the phone', () => {
    const fields = advanced([
      ['field_5a1c9e2', 'email', 'Gdzie wysłać ofertę?', 'anna@example.pl'],
      ['field_7b', 'tel', 'Jak najszybciej Cię złapiemy?', '600123456'],
      ['field_9c', 'email', 'Adres do faktury', 'faktury@example.pl'],
      ['field_9d', 'tel', 'Numer dodatkowy', '221234567'],
      ['field_4e', 'text', 'Pakiet', 'Start'],
    ]);
    const account = accountOf(elementorPlan(fields));

    expect(account.fields).toMatchObject({ email: 'anna@example.pl', phone_mobile: '+48600123456' });
    // Only the first field of each type stands for the lead's e-mail or phone; the second is listed, as typed.
    expect(account.fields.description).toContain('- Adres do faktury: faktury@example.pl\n- Numer dodatkowy: 221234567\n- Pakiet: Start');
  });

  it('lets an Elementor field\'s type name the e-mail only when no field\'s id or label already does', () => {
    const fields = advanced([
      ['field_1a', 'email', 'Kontakt dla faktur', 'faktury@example.pl'],
      ['field_2b', 'text', 'Adres e-mail', 'anna@example.pl'],
      ['field_3c', 'tel', 'Telefon', '600123456'],
      ['field_4d', 'tel', 'Inny numer', '221234567'],
    ]);
    const account = accountOf(elementorPlan(fields));

    expect(account.fields).toMatchObject({ email: 'anna@example.pl', phone_mobile: '+48600123456' });
    expect(account.fields.description).toContain('- Kontakt dla faktur: faktury@example.pl\n- Inny numer: 221234567');
  });

  it('reads an Elementor acceptance field as a consent by its type, whatever its label', () => {
    const fields = { ...advanced([['field_2b', 'tel', 'Nr tel.', '600123456'], ['field_8f', 'acceptance', 'Akceptuję regulamin', 'on']]) };
    const account = accountOf(elementorPlan(fields, { required: ['phone', 'consent_field_8f'] }));

    expect(account.fields.description).toMatch(/field_8f: given at .*text: "Akceptuję regulamin"/);
  });

  it('reads Elementor\'s body of labels from a Polish site: Polish labels, the page, and never the visitor\'s IP, browser or the credit line', () => {
    const fields = {
      'Twoje imię': 'Anna', Nazwisko: 'Nowak', 'Twój e-mail': 'anna@example.pl', 'Nr tel.': '600 123 456', 'Nazwa firmy': 'Przykład Sp. z o.o.',
      NIP: '777-000-11-11', 'Kod pocztowy': '00-850', Miasto: 'Warszawa', 'Twoja wiadomość': 'Proszę o ofertę.',
      Data: '12 marca 2026', Czas: '17:00', 'Adres URL strony': 'https://www.example.pl/kontakt/',
      'Agent użytkownika': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      'Zdalny adres IP': '203.0.113.7', 'Zdalne IP (v6)': '2001:db8::7', 'Wspierane przez': 'Elementor', form_id: '2f1e3a7', form_name: 'Kontakt',
    };
    const account = accountOf(elementorPlan(fields));

    expect(account.fields).toMatchObject({
      name: 'Przykład Sp. z o.o.', email: 'anna@example.pl', phone_mobile: '+48600123456', nip: '7770001111', postal_code: '00-850', city: 'Warszawa',
    });
    expect(account.fields.description).toContain('Person: Anna Nowak');
    expect(account.fields.description).toContain('Proszę o ofertę.');
    expect(account.fields.description).toContain('Page: https://www.example.pl/kontakt/');
    expect(account.fields.description).not.toMatch(/203\.0\.113\.7|2001:db8|Mozilla|Chrome|Elementor|Wspierane/);
  });

  it('drops the visitor\'s IP and browser from Elementor\'s body of labels by their values, whatever the site\'s language calls them', () => {
    const fields = { 'E-mail': 'anna@example.pl', 'Adresse IP distante': '198.51.100.23', Navigateur: 'Mozilla/5.0 (X11; Linux x86_64)' };
    const description = accountOf(elementorPlan(fields)).fields.description;

    expect(description).not.toMatch(/198\.51\.100\.23|Mozilla/);
  });

  it('keeps a field of Elementor\'s body of labels that the form maps, even with an IP address for a value', () => {
    const fields = { 'E-mail': 'anna@example.pl', 'Adres IP serwera': '192.0.2.10' };
    const description = accountOf(elementorPlan(fields, { mapping: { 'Adres IP serwera': 'message' } })).fields.description;

    expect(description).toContain('192.0.2.10');
  });

  it.each([
    ['its id named by a required consent', { 'No Label rodo': 'on' }, { required: [['email', 'phone'], 'consent_rodo'] }],
    ['its id named by a configured consent', { 'No Label rodo': 'on' }, { consents: { rodo: { text: 'Zgadzam się na przetwarzanie danych.' } } }],
    ['its label, the configured consent\'s text', { 'Zgadzam się na przetwarzanie danych': 'on' }, { required: ['consent_rodo'], consents: { rodo: { text: 'Zgadzam się na przetwarzanie danych.' } } }],
    ['its label in the form\'s mapping', { 'Zgoda na kontakt': 'on' }, { required: ['consent_rodo'], mapping: { 'Zgoda na kontakt': 'consent_rodo' } }],
    ['its id in the form\'s mapping', { 'No Label field_8f': 'on' }, { required: ['consent_rodo'], mapping: { field_8f: 'consent_rodo' } }],
  ])('reads an acceptance field of Elementor\'s body of labels as a consent by %s', (_how, consent, settings) => {
    const account = accountOf(elementorPlan({ 'E-mail': 'anna@example.pl', ...consent }, settings));

    expect(account.fields.description).toMatch(/rodo: given at/);
    expect(account.fields.description).not.toContain('No Label');
  });

  it('reads an unlabelled field of Elementor\'s body of labels by its id', () => {
    expect(accountOf(elementorPlan({ 'No Label email': 'anna@example.pl', 'No Label field_1a': 'x' })).fields).toMatchObject({ email: 'anna@example.pl' });
  });

  it('reads a WPForms Webhooks body: the chosen keys, choices one per line, a GDPR text as a ticked consent', async () => {
    const account = await accountFor('wpforms.json', 'application/json', { preset: 'wpforms', required: ['email', 'consent_rodo'] });
    expect(account.fields).toMatchObject(SAME_LEAD);
    expect(account.fields.description).toContain('interests: Sprzedaż, Serwis');
    expect(account.fields.description).toMatch(/rodo: given at .*text: "Wyrażam zgodę/);
  });

  it('splits the choices WPForms joins with "||" into a list, as it does choices one per line', () => {
    const { plan } = mapLead({ form: 'wp', fields: { email: 'anna@example.pl', interests: 'Sprzedaż||Serwis', pakiet: 'Start' }, settings: parseFormSettings('wp', { preset: 'wpforms' }), now: NOW, timeZone: TIME_ZONE, submissionId: 'sub-1' });

    expect(accountOf(plan).fields.description).toContain('- interests: Sprzedaż, Serwis\n- pakiet: Start');
  });

  it('reads a Gravity Forms Webhooks "All Fields" body by field ids mapped in the form, without the entry\'s own properties', async () => {
    const mapping = { '1.3': 'first_name', '1.6': 'last_name', 2: 'email', 3: 'phone', 4: 'company', 5: 'nip', 6: 'message', '7.1': 'consent_rodo', '7.2': 'consent_rodo_text' };
    const account = await accountFor('gravityforms.json', 'application/json', { preset: 'gravityforms', mapping, required: ['email', 'consent_rodo'] });
    expect(account.fields).toMatchObject(SAME_LEAD);
    expect(account.fields.description).toContain('Person: Anna Nowak');
    expect(account.fields.description).toContain('Page: https://www.example.pl/kontakt/');
    expect(account.fields.description).toMatch(/rodo: given at .*text: "Wyrażam zgodę na przetwarzanie danych\."/);
    expect(account.fields.description).not.toMatch(/203\.0\.113\.7|Mozilla|PLN|date_created/);
  });

  it('never counts an empty or negative consent value as given', async () => {
    const fields = { email: 'a@b.pl', consent_rodo: 'nie', consent_marketing: '' };
    const { plan } = mapLead({ form: 'wp', fields, settings: parseFormSettings('wp', { preset: 'wpforms' }), now: NOW, timeZone: TIME_ZONE, submissionId: 's' });
    expect(accountOf(plan).fields.description).toContain('rodo: not given');
    expect(accountOf(plan).fields.description).not.toMatch(/marketing: given/);
  });

  it('keeps the plain behaviour without a preset: Elementor\'s metadata is then just other fields', async () => {
    const account = await accountFor('elementor-simple.txt', 'application/x-www-form-urlencoded', {});
    expect(account.fields.description).toContain('203.0.113.7');
  });

  it('refuses an unknown preset by name', () => {
    expect(() => parseFormSettings('wp', { preset: 'ninjaforms' })).toThrow(/preset must be one of cf7, elementor, wpforms, gravityforms/);
  });
});
