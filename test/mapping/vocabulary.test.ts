import { describe, expect, it } from 'vitest';
import type { WorkPlan } from '../../lib/intake/job.ts';
import { DEFAULT_ALIASES, leadFieldOf } from '../../lib/mapping/aliases.ts';
import { providerFor } from '../../lib/providers/index.ts';
import { contextFor, planOf, request } from '../providers/support/context.ts';
import { eventJson } from '../providers/support/fixtures.ts';
import { standardHeaders, typeformSignature, woocommerceSignature } from '../providers/support/signing.ts';
import { NOW_SECONDS } from '../providers/support/context.ts';
import { accountOf, planFor } from './lead.ts';

/*
 * One field vocabulary for every source: a lead form field, a form-builder post, a Typeform answer's
 * ref and a Standard Webhooks lead key with the same name all land in the same CSMART field, with the
 * same phone and NIP normalisation.
 */

const STANDARD_SECRET = `whsec_${Buffer.from('vocabulary-test-key-0123456789ab').toString('base64')}`;
const TYPEFORM_SECRET = 'tf-vocabulary';
const WOO_SECRET = 'woo-vocabulary';

type Fields = Record<string, string | undefined>;
const fieldsOf = (plan: WorkPlan): Fields => accountOf(plan).fields as Fields;

const viaLeadForm = (name: string, value: string, reach: Record<string, string>) => fieldsOf(planFor({ ...reach, [name]: value }));
const viaFormBuilder = (name: string, value: string, reach: Record<string, string>) =>
  fieldsOf(planFor({ ...Object.fromEntries(Object.entries(reach).map(([k, v]) => [`form_fields[${k}]`, v])), [`form_fields[${name}]`]: value }));

function viaStandard(name: string, value: string, reach: Record<string, string>): Fields {
  const body = Buffer.from(JSON.stringify({ type: 'lead.created', data: { ...reach, [name]: value } }));
  const result = providerFor('erp').handle(request('erp', body, standardHeaders(body, STANDARD_SECRET, 'msg_v', NOW_SECONDS)), contextFor('erp', [STANDARD_SECRET]));
  return fieldsOf(planOf(result));
}

function viaTypeform(name: string, value: string, reach: Record<string, string>): Fields {
  const answer = (ref: string, text: string, i: number) => ({ type: 'text', text, field: { id: `f${i}`, type: 'short_text', ref } });
  const answers = [...Object.entries(reach), [name, value] as const].map(([ref, text], i) => answer(ref, text, i));
  const body = Buffer.from(JSON.stringify({ event_id: 'e1', event_type: 'form_response', form_response: { form_id: 'F1', token: 't1', answers } }));
  const result = providerFor('typeform').handle(request('typeform', body, { 'typeform-signature': typeformSignature(body, TYPEFORM_SECRET) }), contextFor('typeform', [TYPEFORM_SECRET]));
  return fieldsOf(planOf(result));
}

const SOURCES = { 'form-builder post': viaFormBuilder, 'Typeform ref': viaTypeform, 'Standard Webhooks lead key': viaStandard } as const;

/** A value for each lead field, and the CSMART fields it shows in. */
const SAMPLES: Record<string, { value: string; view: (f: Fields) => unknown }> = {
  company: { value: 'ACME sp. z o.o.', view: (f) => f.name },
  first_name: { value: 'Jan', view: (f) => f.name },
  last_name: { value: 'Kowalski', view: (f) => f.name },
  name: { value: 'Anna Maria Nowak', view: (f) => f.name },
  email: { value: 'Jan@Example.pl', view: (f) => f.email },
  phone: { value: '22 123 45 67', view: (f) => [f.phone_office, f.phone_mobile] },
  nip: { value: 'PL 123-456-32-18', view: (f) => f.nip },
  address: { value: 'ul. Prosta 20', view: (f) => f.address },
  postal_code: { value: '00-850', view: (f) => f.postal_code },
  city: { value: 'Łódź', view: (f) => f.city },
  country: { value: 'Polska', view: (f) => f.country },
  message: { value: 'Proszę o ofertę', view: (f) => f.description?.split('\n').some((l) => l === 'Proszę o ofertę') },
};

// Every alias of the table whose lead field reaches a client record (page_url and referrer only go into descriptions).
const CASES = Object.entries(DEFAULT_ALIASES).filter(([, field]) => Object.hasOwn(SAMPLES, field)).map(([alias, field]) => [alias, field] as const);

describe('one field vocabulary for every source', () => {
  it('is one exported table that resolves Polish and English names alike', () => {
    expect(['miasto', 'kod_pocztowy', 'ulica', 'firma', 'telefon', 'wiadomosc', 'nazwa_firmy', 'nip', 'imie', 'nazwisko', 'Kod pocztowy', 'fields[miasto][value]'].map(leadFieldOf))
      .toEqual(['city', 'postal_code', 'address', 'company', 'phone', 'message', 'company', 'nip', 'first_name', 'last_name', 'postal_code', 'city']);
  });

  it.each(CASES)('maps "%s" (%s) to the same CSMART field from a lead form, a form builder, Typeform and Standard Webhooks', (alias, field) => {
    const { value, view } = SAMPLES[field]!;
    const reach: Record<string, string> = field === 'email' ? { phone: '600700800' } : { email: 'reach@example.pl' };
    // The lead form is the reference every other source must agree with.
    const expected = view(viaLeadForm(alias, value, reach));
    expect(expected).toBeTruthy();
    for (const [source, via] of Object.entries(SOURCES)) {
      expect({ source, got: view(via(alias, value, reach)) }).toEqual({ source, got: expected });
    }
  });
});

describe('one phone and NIP normalisation for every source', () => {
  it.each(['600 700 800', '+48 600-700-800', '0048 22 123 45 67', '(22) 123 45 67', '+49 30 1234567'])('normalises the phone %j the same way everywhere', (phone) => {
    const reach = { email: 'reach@example.pl' };
    const expected = viaLeadForm('phone', phone, reach);
    const view = (f: Fields) => ({ phone_mobile: f.phone_mobile, phone_office: f.phone_office });
    for (const [source, via] of Object.entries(SOURCES)) expect({ source, ...view(via('phone', phone, reach)) }).toEqual({ source, ...view(expected) });

    const order = eventJson('woocommerce', 'order-created');
    order.billing.phone = phone;
    const body = Buffer.from(JSON.stringify(order));
    const woo = providerFor('woocommerce').handle(request('woocommerce', body, { 'x-wc-webhook-signature': woocommerceSignature(body, WOO_SECRET), 'x-wc-webhook-topic': 'order.created' }), contextFor('woocommerce', [WOO_SECRET]));
    expect({ source: 'woocommerce', ...view(fieldsOf(planOf(woo))) }).toEqual({ source: 'woocommerce', ...view(expected) });
  });

  it.each(['PL 525-224-84-81', '525 224 84 81', 'pl5252248481'])('normalises the NIP %j the same way everywhere', (nip) => {
    const reach = { email: 'reach@example.pl' };
    for (const [source, via] of Object.entries(SOURCES)) expect({ source, nip: via('nip', nip, reach).nip }).toEqual({ source, nip: '5252248481' });
    expect(viaLeadForm('nip', nip, reach).nip).toBe('5252248481');
  });
});
