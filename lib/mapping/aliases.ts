import type { LeadField } from './lead-fields.ts';
import { isLeadFieldName } from './lead-fields.ts';

/**
 * The one field vocabulary of every source: field names commonly found in website forms, form builders,
 * Typeform refs and Standard Webhooks lead data (English and Polish, as normalised by `normaliseFieldName`),
 * and the lead field each means. Add a name here and every source understands it; a form that uses other
 * names sets `mapping` in its settings, a Typeform source `fieldMap`.
 */
export const DEFAULT_ALIASES: Readonly<Record<string, LeadField>> = {
  company_name: 'company', companyname: 'company', firma: 'company', nazwa_firmy: 'company', organization: 'company',
  organisation: 'company', business: 'company',
  firstname: 'first_name', fname: 'first_name', given_name: 'first_name', imie: 'first_name',
  lastname: 'last_name', lname: 'last_name', surname: 'last_name', family_name: 'last_name', nazwisko: 'last_name',
  full_name: 'name', fullname: 'name', contact_name: 'name', imie_i_nazwisko: 'name', imie_nazwisko: 'name',
  nazwisko_i_imie: 'name',
  e_mail: 'email', mail: 'email', email_address: 'email', adres_email: 'email', adres_e_mail: 'email',
  adres_mailowy: 'email', e_mail_sluzbowy: 'email', email_sluzbowy: 'email', e_mail_kontaktowy: 'email',
  tel: 'phone', telephone: 'phone', phone_number: 'phone', telefon: 'phone', mobile: 'phone', nr_telefonu: 'phone',
  numer_telefonu: 'phone', nr_tel: 'phone', numer_tel: 'phone', tel_kom: 'phone', nr_tel_kom: 'phone',
  telefon_kontaktowy: 'phone', numer_kontaktowy: 'phone', telefon_komorkowy: 'phone', nr_telefonu_komorkowego: 'phone',
  numer_telefonu_komorkowego: 'phone', komorka: 'phone',
  vat_id: 'nip', tax_id: 'nip', nip_firmy: 'nip', nr_nip: 'nip', numer_nip: 'nip',
  street: 'address', street_address: 'address', adres: 'address', ulica: 'address',
  zip: 'postal_code', zip_code: 'postal_code', zipcode: 'postal_code', postcode: 'postal_code', post_code: 'postal_code',
  kod_pocztowy: 'postal_code',
  town: 'city', miasto: 'city', miejscowosc: 'city',
  kraj: 'country',
  wiadomosc: 'message', comments: 'message', comment: 'message', tresc: 'message', tresc_wiadomosci: 'message',
  uwagi: 'message', enquiry: 'message', inquiry: 'message', msg: 'message', zapytanie: 'message',
  page: 'page_url', url: 'page_url', pageurl: 'page_url', source_url: 'page_url',
  referer: 'referrer',
};

/** Subkeys that form builders send beside a field's value (Elementor's "Advanced Data": `fields[email][title]`…). */
const METADATA_SUBKEYS = new Set(['id', 'type', 'title', 'raw_value', 'required']);

/**
 * The name a form field stands for, with form-builder nesting undone: `fields[email][value]` → `email`,
 * `form_fields[email]` → `email`, `interests[]` → `interests`. Undefined for metadata such as `fields[email][title]`.
 */
export function fieldKeyOf(key: string): string | undefined {
  const match = /^([^[\]]*)((?:\[[^[\]]*\])+)$/.exec(key);
  if (!match) return key;
  const segments = [match[1] as string, ...[...(match[2] as string).matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] as string)];
  if (segments.at(-1) === '') segments.pop();
  if (segments.length >= 3) {
    if (segments.at(-1) !== 'value') return METADATA_SUBKEYS.has(segments.at(-1) as string) ? undefined : (segments.at(-1) as string);
    segments.pop();
  }
  return segments.at(-1);
}

/** `E-mail` → `e_mail`, `Imię i nazwisko` → `imie_i_nazwisko`, `your-email` (Contact Form 7) → `email`. */
export function normaliseFieldName(name: string): string {
  const plain = name
    .toLowerCase()
    .replaceAll('ł', 'l')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return plain.startsWith('your_') ? plain.slice('your_'.length) : plain;
}

/** Polish labels address the visitor as English ones do with "your": `Twój e-mail`, `Twoja wiadomość`. */
const POLISH_POSSESSIVE = /^twoj(?:a|e)?_(?=.)/;

/** The lead field a (normalised) form field name means by convention, if any. */
export function aliasOf(normalised: string): string | undefined {
  const bare = normalised.replace(POLISH_POSSESSIVE, '');
  if (bare !== normalised) return aliasOf(bare);
  if (Object.hasOwn(DEFAULT_ALIASES, normalised)) return DEFAULT_ALIASES[normalised];
  if (isLeadFieldName(normalised)) return normalised;
  // Polish forms name their consents `zgoda_<name>`.
  if (normalised.startsWith('zgoda_') && normalised.length > 'zgoda_'.length) return `consent_${normalised.slice('zgoda_'.length)}`;
  return undefined;
}

/**
 * The lead field any source's field name means: `miasto` → `city`, `Kod pocztowy` → `postal_code`,
 * `fields[email][value]` → `email`, `email` → `email`. Undefined for names outside the vocabulary.
 */
export function leadFieldOf(name: string): string | undefined {
  const key = fieldKeyOf(name);
  return key === undefined ? undefined : aliasOf(normaliseFieldName(key));
}
