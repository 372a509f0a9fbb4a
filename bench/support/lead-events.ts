import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { syntheticNip } from '../../sandbox/seed.ts';
import { formPost, jsonPost } from '../../emulators/lambda/http-events.ts';

/** The SSM parameter prefix of the bench stage (`CSMART_STAGE=bench`). */
export const BENCH_SSM_PREFIX = '/csmart/bench/';
export const LEAD_FORM = 'contact';

/** A company's contact form as a site would configure it: consent, defaults, opportunity and task. */
export const CONTACT_FORM_SETTINGS = {
  allowedOrigins: ['https://www.example.pl'],
  thankYouUrl: 'https://www.example.pl/dziekujemy',
  errorUrl: 'https://www.example.pl/blad',
  required: ['email', 'consent_rodo'],
  defaults: { category: 'Lead', source: 'Strona WWW' },
  consents: { rodo: { text: 'Wyrażam zgodę na przetwarzanie moich danych osobowych w celu odpowiedzi na zapytanie.', version: '2026-01' } },
  followUps: {
    opportunity: { name: 'Zapytanie ze strony: {name}', source: 'Strona WWW', closeInDays: 30 },
    task: { name: 'Skontaktuj się: {name}', time: '09:00', durationMinutes: 30 },
  },
} as const;

/** The SSM parameters the leads function reads: the form's settings (the Turnstile secret is absent). */
export const LEAD_FORM_PARAMETERS: Record<string, string> = {
  [`${BENCH_SSM_PREFIX}forms/${LEAD_FORM}`]: JSON.stringify(CONTACT_FORM_SETTINGS),
};

const FIRST = ['Żaneta', 'Łukasz', 'Małgorzata', 'Grzegorz', 'Agnieszka', 'Paweł', 'Józef', 'Ewa'] as const;
const LAST = ['Gęślak', 'Wójcik', 'Kowalczyk', 'Dąbrowski', 'Zieliński', 'Szymańska', 'Woźniak', 'Kaczmarek'] as const;

/** Person `person`'s lead, as a contact form sends it; `visit` changes the message, so each visit is a distinct body. */
export function leadFields(person: number, visit = 0): Record<string, string> {
  const number = String(person).padStart(5, '0');
  return {
    company: `Zakład Usług ${LAST[person % LAST.length]} ${number} Sp. z o.o.`,
    first_name: FIRST[person % FIRST.length]!,
    last_name: LAST[(person >> 3) % LAST.length]!,
    email: `Osoba.${number}@Example.PL`,
    phone: `601 ${number.slice(0, 3)} ${number.slice(2)}`,
    nip: syntheticNip(person + 1),
    city: 'Łódź',
    message: `Proszę o ofertę na 200 sztuk & wycenę dostawy (zapytanie nr ${visit + 1}).`,
    consent_rodo: 'on',
    utm_source: 'newsletter',
    page_url: 'https://www.example.pl/kontakt',
  };
}

const route = { routeKey: 'POST /leads/{form}', pathParameters: { form: LEAD_FORM } };

/** `fetch(…, { body: JSON.stringify(lead) })` from the site's script: JSON as text, 202 answer. */
export function jsonLeadEvent(fields: Record<string, string>): APIGatewayProxyEventV2 {
  const { consent_rodo: _consent, ...rest } = fields;
  return jsonPost(`/leads/${LEAD_FORM}`, { ...rest, consent_rodo: true }, route);
}

/** A plain HTML form post: urlencoded, base64-encoded by API Gateway, 303 answer. */
export function formLeadEvent(fields: Record<string, string>): APIGatewayProxyEventV2 {
  return formPost(`/leads/${LEAD_FORM}`, fields, route);
}
