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
