import { describe, expect, it } from 'vitest';
import { httpErrorOf } from '../../lib/http/error-answer.ts';
import { InputValidationError } from '../../lib/errors/refusal.ts';
import { WebhookSignatureError, providerFor } from '../../lib/providers/index.ts';
import type { ProviderContext, ProviderResult, SourceSettings } from '../../lib/providers/index.ts';
import { eventBytes, eventJson } from './support/fixtures.ts';
import { answered, contextFor, planOf, request, thrown } from './support/context.ts';
import { typeformSignature } from './support/signing.ts';

const SECRET = 'tf-secret-71c2';
const provider = providerFor('typeform');

function deliver(body: Buffer, options: { signature?: string | null; ctx?: Partial<ProviderContext>; settings?: Partial<SourceSettings> } = {}): ProviderResult {
  const signature = options.signature === undefined ? typeformSignature(body, SECRET) : options.signature;
  const headers: Record<string, string> = signature === null ? {} : { 'typeform-signature': signature };
  const base = contextFor('typeform', [SECRET], { settings: options.settings ?? {} });
  return provider.handle(request('typeform', body, headers), { ...base, ...options.ctx });
}

const deliverJson = (event: unknown, settings?: Partial<SourceSettings>) => deliver(Buffer.from(JSON.stringify(event)), settings ? { settings } : {});

describe('Typeform webhooks', () => {
  it('turns a form_response into a client found by NIP or e-mail, with defaults by field type and title', () => {
    const result = deliver(eventBytes('typeform', 'form-response'));

    expect(result).toEqual({
      outcome: 'work',
      plan: {
        kind: 'form_response',
        groupKey: 'nip:5260001246',
        dedupeKey: '01JQ8X4ZK3T9V5N2B7C6D1E0FA',
        steps: [{
          kind: 'account',
          fields: {
            name: 'Wiśniewski i Syn Sp. z o.o.',
            nip: '5260001246',
            email: 'piotr@wisniewski-sp.pl',
            phone_mobile: '+48502111222',
            city: 'Łódź',
            description: [
              'Formularz: Zapytanie ofertowe',
              'Osoba kontaktowa: Piotr Wiśniewski',
              'Szukamy CRM dla działu sprzedaży.',
              'Odpowiedzi:',
              '- Ilu masz handlowców?: 6-20',
              '- Zgoda na kontakt handlowy: tak',
              'utm_source: linkedin',
              'utm_campaign: wiosna-2026',
            ].join('\n'),
          },
          match: { nip: '5260001246', email: 'piotr@wisniewski-sp.pl' },
          onMatch: 'update',
        }],
      },
    });
  });

  it('maps answers by field ref as configured, the form\'s own map winning over the map for all forms', () => {
    const settings = {
      fieldMap: { city: 'city', team_size: 'description1', consent: 'ignore' },
      formFieldMaps: { lT4Z3j: { team_size: 'description2' } },
      accountSource: 'Typeform',
    } satisfies Partial<SourceSettings>;

    const fields = planOf(deliver(eventBytes('typeform', 'form-response'), { settings })).steps[0]!.fields;

    expect(fields).toMatchObject({ city: 'Łódź', description2: '6-20', source: 'Typeform' });
    expect(fields).not.toHaveProperty('description1');
    expect(fields.description).not.toContain('Zgoda');
    expect(fields.description).not.toContain('Miasto');
  });

  it('builds the name from first and last name when there is no company', () => {
    const event = eventJson('typeform', 'form-response');
    const answers = event.form_response.answers as { field: { ref: string } }[];
    event.form_response.answers = [
      ...answers.filter((a) => !['company', '01J9ZAAAAAAAAAAAAAAAAAAAAA'].includes(a.field.ref)),
      { type: 'text', text: 'Ewa', field: { id: 'x1', type: 'short_text', ref: 'first_name' } },
      { type: 'text', text: 'Zielińska', field: { id: 'x2', type: 'short_text', ref: 'last_name' } },
    ];

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step.fields.name).toBe('Ewa Zielińska');
    expect(step.fields.description).not.toContain('Osoba kontaktowa');
  });

  it('lists a second answer for a field already given (a second e-mail question) in the description instead of dropping it', () => {
    const event = eventJson('typeform', 'form-response');
    (event.form_response.answers as unknown[]).push(
      { type: 'email', email: 'faktury@wisniewski-sp.pl', field: { id: 'x3', type: 'email', ref: 'invoice_email' } },
      { type: 'phone_number', phone_number: '+48221234567', field: { id: 'x4', type: 'phone_number', ref: 'phone_2' } },
    );
    event.form_response.definition.fields.push(
      { id: 'x3', ref: 'invoice_email', type: 'email', title: 'E-mail do faktur' },
      { id: 'x4', ref: 'phone_2', type: 'phone_number', title: 'Telefon do biura' },
    );

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step.fields).toMatchObject({ email: 'piotr@wisniewski-sp.pl', phone_mobile: '+48502111222' });
    expect(step.fields.description).toContain('- E-mail do faktur: faktury@wisniewski-sp.pl');
    expect(step.fields.description).toContain('- Telefon do biura: +48221234567');
  });

  it('keeps a NIP with a wrong checksum in the description but never matches on it', () => {
    const event = eventJson('typeform', 'form-response');
    const nipAnswer = (event.form_response.answers as { field: { ref: string }; text?: string }[]).find((a) => a.field.ref === 'nip')!;
    nipAnswer.text = '526-000-12-47';

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step.fields).not.toHaveProperty('nip');
    expect(step.fields.description).toContain('NIP (niepoprawny): 526-000-12-47');
    expect(step).toMatchObject({ match: { email: 'piotr@wisniewski-sp.pl' } });
    expect(step.kind === 'account' && step.match.nip).toBeUndefined();
  });

  it('answers 422 when no answer gives a name, e-mail, phone or NIP', () => {
    const event = eventJson('typeform', 'form-response');
    event.form_response.answers = [{ type: 'choice', choice: { label: '6-20' }, field: { id: 'Fk7choice007', type: 'multiple_choice', ref: 'team_size' } }];

    const error = thrown(() => deliverJson(event));

    expect(error).toBeInstanceOf(InputValidationError);
    expect(httpErrorOf(error)).toMatchObject({ status: 422, code: 'unmappable', field: 'form_response.answers' });
  });

  it('gives a redelivery the same dedupe key (event_id)', () => {
    const body = eventBytes('typeform', 'form-response');

    expect(planOf(deliver(body)).dedupeKey).toBe(planOf(deliver(body)).dedupeKey);
  });

  it('ignores other event types', () => {
    expect(deliverJson({ event_id: 'x', event_type: 'form_response_partial', form_response: {} }))
      .toEqual({ outcome: 'ignored', reason: 'Typeform event "form_response_partial" is not handled' });
  });

  it('answers signature_missing without the Typeform-Signature header', () => {
    const error = thrown(() => deliver(eventBytes('typeform', 'form-response'), { signature: null }));

    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toMatchObject({ code: 'signature_missing' });
  });

  it('answers signature_invalid for a tampered body, another secret, a hex digest or a missing sha256= prefix', () => {
    const body = eventBytes('typeform', 'form-response');
    const good = typeformSignature(body, SECRET);
    const tampered = Buffer.from(body.toString('utf8').replace('Łódź', 'Lodz'));

    expect(thrown(() => deliver(tampered, { signature: good }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { signature: typeformSignature(body, 'other') }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { signature: good.slice('sha256='.length) }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { signature: `sha256=${Buffer.from(good.slice(7), 'base64').toString('hex')}` }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('accepts the second configured secret during rotation', () => {
    const body = eventBytes('typeform', 'form-response');

    expect(deliver(body, { signature: typeformSignature(body, 'tf-new'), ctx: { secrets: [SECRET, 'tf-new'] } }).outcome).toBe('work');
  });

  it('answers 422 naming the field when form_id is missing', () => {
    const event = eventJson('typeform', 'form-response');
    delete event.form_response.form_id;

    expect(answered(() => deliverJson(event))).toMatchObject({ status: 422, code: 'required', field: 'form_response.form_id' });
  });
});
