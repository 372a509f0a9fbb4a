import { describe, expect, it } from 'vitest';
import { httpErrorOf } from '../../lib/http/error-answer.ts';
import { InputValidationError } from '../../lib/errors/refusal.ts';
import { WebhookSignatureError, providerFor } from '../../lib/providers/index.ts';
import type { ProviderContext, ProviderResult } from '../../lib/providers/index.ts';
import { eventBytes, eventJson } from './support/fixtures.ts';
import { answered, NOW_SECONDS, contextFor, planOf, request, thrown } from './support/context.ts';
import { standardHeaders, standardSignature } from './support/signing.ts';

const SOURCE = 'acme-crm';
const SECRET = `whsec_${Buffer.from('standard-webhooks-test-key-32by').toString('base64')}`;
const provider = providerFor(SOURCE);

type Options = { id?: string; signedAt?: number; headers?: Record<string, string | undefined>; ctx?: Partial<ProviderContext> };

function deliver(body: Buffer, options: Options = {}): ProviderResult {
  const signed = standardHeaders(body, SECRET, options.id ?? 'msg_2Lx0hQ4nKp', options.signedAt ?? NOW_SECONDS);
  const headers = Object.fromEntries(Object.entries({ ...signed, ...options.headers }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return provider.handle(request(SOURCE, body, headers), { ...contextFor(SOURCE, [SECRET]), ...options.ctx });
}

const deliverJson = (event: unknown, options: Options = {}) => deliver(Buffer.from(JSON.stringify(event)), options);

describe('Standard Webhooks: lead.created', () => {
  it('turns a lead into a client found by NIP or e-mail, with message, consents, UTM and page in the description', () => {
    const result = deliver(eventBytes('standard', 'lead-created'));

    expect(result).toEqual({
      outcome: 'work',
      plan: {
        kind: 'lead.created',
        groupKey: 'nip:5252248481',
        dedupeKey: 'msg_2Lx0hQ4nKp',
        steps: [{
          kind: 'account',
          fields: {
            name: 'Biuro Rachunkowe Saldo',
            nip: '5252248481',
            email: 'ewa.zielinska@saldo.pl',
            phone_mobile: '+48600700800',
            address: 'ul. Marszałkowska 10',
            postal_code: '00-590',
            city: 'Warszawa',
            country: 'Polska',
            description: [
              'Osoba kontaktowa: Ewa Zielińska',
              'Chcemy przenieść 40 klientów z Excela.',
              'consent_marketing: tak',
              'consent_privacy: on',
              'utm_source: google',
              'utm_campaign: biura-rachunkowe',
              'Strona: https://www.example.pl/cennik',
              'Odesłano z: https://www.google.com/',
            ].join('\n'),
          },
          match: { nip: '5252248481', email: 'ewa.zielinska@saldo.pl' },
          onMatch: 'update',
        }],
      },
    });
  });

  it('uses the configured account source', () => {
    const ctx = contextFor(SOURCE, [SECRET], { settings: { accountSource: 'Partner API' } });

    expect(planOf(deliver(eventBytes('standard', 'lead-created'), { ctx })).steps[0]!.fields).toMatchObject({ source: 'Partner API' });
  });

  it('keeps unknown keys: names of the shared vocabulary become lead fields, the rest lands in the description', () => {
    const event = { type: 'lead.created', data: {
      imie: 'Ewa', nazwisko: 'Zielińska', nazwa_firmy: 'Saldo', telefon: '600 700 800', miasto: 'Łódź', kod_pocztowy: '90-001', ulica: 'Piotrkowska 1',
      wiadomosc: 'Proszę o kontakt', emial: 'typo@saldo.pl', budget: 12000, tags: ['vip', 'b2b'], source_meta: { campaign: 7 }, nip: '5252248481',
    } };

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step.fields).toEqual({
      name: 'Saldo', nip: '5252248481', phone_mobile: '+48600700800', address: 'Piotrkowska 1', postal_code: '90-001', city: 'Łódź',
      description: ['Osoba kontaktowa: Ewa Zielińska', 'Proszę o kontakt', 'emial: typo@saldo.pl', 'budget: 12000', 'tags: vip, b2b', 'source_meta: {"campaign":7}'].join('\n'),
    });
  });

  it('lets a documented key win over an alias of it, and keeps the alias readable', () => {
    const step = planOf(deliverJson({ type: 'lead.created', data: { email: 'a@b.pl', city: 'Kraków', miasto: 'Krakow' } })).steps[0]!;

    expect(step.fields).toMatchObject({ city: 'Kraków', description: 'city: Krakow' });
  });

  it('reads null as absent, at the top and in data, instead of refusing the event', () => {
    const event = eventJson('standard', 'lead-created');
    Object.assign(event, { timestamp: null });
    Object.assign(event.data, { company: null, nip: null, phone: null, utm_source: null, page_url: null });

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step.fields).toMatchObject({ name: 'Ewa Zielińska', email: 'ewa.zielinska@saldo.pl' });
    expect(step.fields).not.toHaveProperty('nip');
    expect(step.fields.description).not.toMatch(/null|utm_source|Strona/);
  });

  it('uses the sender\'s lead id for dedupe, so a resend under a new webhook-id is entered once', () => {
    const event = eventJson('standard', 'lead-created');
    event.data.id = 'lead-7781';

    const first = planOf(deliverJson(event, { id: 'msg_first' }));
    const resent = planOf(deliverJson(event, { id: 'msg_resent' }));

    expect([first.dedupeKey, resent.dedupeKey]).toEqual(['lead:lead-7781', 'lead:lead-7781']);
    expect(planOf(deliverJson({ ...event, data: { ...event.data, id: undefined } }, { id: 'msg_x' })).dedupeKey).toBe('msg_x');
  });

  it('reads numbers sent for text fields as text, and normalises phones and NIPs as lead forms do', () => {
    const step = planOf(deliverJson({ type: 'lead.created', data: { phone: 221234567, nip: 5252248481 } })).steps[0]!;

    expect(step.fields).toMatchObject({ phone_office: '+48221234567', nip: '5252248481', name: '+48221234567' });
  });

  it('keeps a NIP with a wrong checksum in the description when an e-mail identifies the lead', () => {
    const event = eventJson('standard', 'lead-created');
    event.data.nip = '5252248482';

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step.fields).not.toHaveProperty('nip');
    expect(step.fields.description).toContain('NIP (niepoprawny): 5252248482');
    expect(step).toMatchObject({ match: { email: 'ewa.zielinska@saldo.pl' } });
  });

  it('answers 422 naming data.nip when a NIP with a wrong checksum is the only identity', () => {
    expect(answered(() => deliverJson({ type: 'lead.created', data: { nip: '5252248482', message: 'x' } }))).toMatchObject({ status: 422, code: 'invalid_nip', field: 'data.nip' });
  });

  it('keeps a malformed e-mail in the description, and refuses it only when it is the only identity', () => {
    const step = planOf(deliverJson({ type: 'lead.created', data: { email: 'not-an-email', phone: '600700800' } })).steps[0]!;
    expect(step.fields).toMatchObject({ phone_mobile: '+48600700800', description: 'E-mail (niepoprawny): not-an-email' });

    expect(answered(() => deliverJson({ type: 'lead.created', data: { email: 'not-an-email' } }))).toMatchObject({ status: 422, field: 'data.email' });
  });

  it('answers 422 for a lead with nothing to reach the person by', () => {
    expect(answered(() => deliverJson({ type: 'lead.created', data: { message: 'Hej', utm_source: 'x' } }))).toMatchObject({ status: 422, field: 'data' });
  });

  it('answers 422 naming the field for a value of a type that cannot be read, such as an object for a name', () => {
    expect(answered(() => deliverJson({ type: 'lead.created', data: { email: 'a@b.pl', company: { name: 'x' } } }))).toMatchObject({ status: 422, field: 'data.company' });
  });
});

describe('Standard Webhooks: calendar_event.*', () => {
  it('turns calendar_event.created into an open task at the Warsaw wall-clock time, linked to the sender id', () => {
    const plan = planOf(deliver(eventBytes('standard', 'calendar-event-created')));

    expect(plan).toEqual({
      kind: 'calendar_event.created',
      groupKey: 'event:evt_01JQ9A7Y3M',
      dedupeKey: 'msg_2Lx0hQ4nKp',
      steps: [{
        kind: 'record',
        module: 'Events',
        fields: {
          name: 'Szkolenie z modułu magazynu',
          status: 'nowe',
          nip: '5260250995',
          date_start: '2026-03-18',
          time_start: '10:00',
          date_end: '2026-03-18',
          time_end: '12:30',
          allDay: '0',
          description: 'Dla zespołu magazynowego klienta.\nMiejsce: Sala konferencyjna B, ul. Prosta 20, Warszawa',
        },
        link: { source: SOURCE, externalId: 'evt_01JQ9A7Y3M' },
        ifMissing: 'create',
      }],
    });
  });

  it('writes an all-day multi-day event as allDay 1 with inclusive dates and no times', () => {
    const step = planOf(deliver(eventBytes('standard', 'calendar-event-all-day'))).steps[0]!;

    expect(step.fields).toEqual({
      name: 'Targi Retail Expo',
      status: 'nowe',
      date_start: '2026-03-31',
      date_end: '2026-04-02',
      allDay: '1',
      description: 'Miejsce: EXPO XXI, Warszawa',
    });
  });

  it('edits the same task on calendar_event.updated without touching its status', () => {
    const created = planOf(deliver(eventBytes('standard', 'calendar-event-created')));
    const event = eventJson('standard', 'calendar-event-created');
    event.type = 'calendar_event.updated';
    event.data.start = '2026-03-18T11:00:00+01:00';

    const updated = planOf(deliverJson(event, { id: 'msg_update' }));

    expect(updated.groupKey).toBe(created.groupKey);
    expect(updated.steps[0]).toMatchObject({ link: { source: SOURCE, externalId: 'evt_01JQ9A7Y3M' }, fields: { time_start: '11:00' } });
    expect(updated.steps[0]!.fields).not.toHaveProperty('status');
  });

  it('closes the same task on a bare calendar_event.cancelled, and creates nothing for an event never seen', () => {
    const plan = planOf(deliver(eventBytes('standard', 'calendar-event-cancelled')));

    expect(plan.steps).toEqual([{
      kind: 'record',
      module: 'Events',
      fields: { status: 'zamknięte' },
      link: { source: SOURCE, externalId: 'evt_01JQ9A7Y3M' },
      ifMissing: 'skip',
    }]);
  });

  it('records a complete cancelled event as a closed task even when it was never seen', () => {
    const event = eventJson('standard', 'calendar-event-created');
    event.type = 'calendar_event.cancelled';

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step).toMatchObject({ fields: { status: 'zamknięte', name: 'Szkolenie z modułu magazynu' }, ifMissing: 'create' });
  });

  it.each([
    ['a title', (d: Record<string, unknown>) => { delete d.title; }, 'data.title'],
    ['an end', (d: Record<string, unknown>) => { delete d.end; }, 'data.end'],
    ['dates on an all-day event', (d: Record<string, unknown>) => { d.all_day = true; }, 'data.start_date'],
    ['an end after the start', (d: Record<string, unknown>) => { d.end = '2026-03-18T09:00:00+01:00'; }, 'data.end'],
    ['an offset on start', (d: Record<string, unknown>) => { d.start = '2026-03-18T10:00:00'; }, 'data.start'],
    ['a real calendar date', (d: Record<string, unknown>) => { d.start = '2026-02-30T10:00:00+01:00'; }, 'data.start'],
    ['a known time zone', (d: Record<string, unknown>) => { d.time_zone = 'Europe/Warszawa'; }, 'data.time_zone'],
  ])('answers 422 for calendar_event.created without %s', (_what, change, field) => {
    const event = eventJson('standard', 'calendar-event-created');
    change(event.data);

    const error = thrown(() => deliverJson(event));

    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).problems.map((p) => p.field)).toContain(field);
  });

  it('keeps a booking whose NIP has a wrong check digit: the NIP is noted in the description, not sent', () => {
    const event = eventJson('standard', 'calendar-event-created');
    event.data.nip = '526-025-09-96';

    const step = planOf(deliverJson(event)).steps[0]!;

    expect(step.fields).not.toHaveProperty('nip');
    expect(step.fields.description).toContain('NIP (niepoprawny): 526-025-09-96');
  });

  it('accepts unknown keys and null in a calendar event', () => {
    const event = eventJson('standard', 'calendar-event-created');
    Object.assign(event.data, { location: null, organizer: { email: 'x@y.pl' }, attendees_count: 3 });

    expect(planOf(deliverJson(event)).steps[0]!.fields).toMatchObject({ name: 'Szkolenie z modułu magazynu', description: 'Dla zespołu magazynowego klienta.' });
  });

  it('answers 422 for an all-day event whose end date is before its start date', () => {
    const event = eventJson('standard', 'calendar-event-all-day');
    event.data.end_date = '2026-03-30';

    expect(answered(() => deliverJson(event))).toMatchObject({ status: 422, field: 'data.end_date' });
  });

  it('ignores event types it does not document', () => {
    expect(deliverJson({ type: 'invoice.paid', data: {} })).toEqual({ outcome: 'ignored', reason: 'Standard Webhooks event "invoice.paid" is not handled' });
  });
});

describe('Standard Webhooks: signatures', () => {
  const body = eventBytes('standard', 'lead-created');

  it('gives a redelivery (same webhook-id, new timestamp) the same dedupe key', () => {
    expect(planOf(deliver(body, { signedAt: NOW_SECONDS - 60 }))).toEqual(planOf(deliver(body)));
  });

  it('accepts several space-separated signatures when one is valid (the sender rotating)', () => {
    const valid = standardSignature(body, SECRET, 'msg_2Lx0hQ4nKp', NOW_SECONDS);
    const other = standardSignature(body, `whsec_${Buffer.from('an-older-key').toString('base64')}`, 'msg_2Lx0hQ4nKp', NOW_SECONDS);

    expect(deliver(body, { headers: { 'webhook-signature': `${other} v1a,c29tZXRoaW5n ${valid}` } }).outcome).toBe('work');
  });

  it('accepts a delivery signed with the second configured secret (our rotation)', () => {
    const newSecret = `whsec_${Buffer.from('the-next-key-after-rotation-2026').toString('base64')}`;
    const signature = standardSignature(body, newSecret, 'msg_2Lx0hQ4nKp', NOW_SECONDS);

    expect(deliver(body, { headers: { 'webhook-signature': signature }, ctx: { secrets: [`${SECRET}\n${newSecret}`] } }).outcome).toBe('work');
    expect(deliver(body, { headers: { 'webhook-signature': signature }, ctx: { secrets: [`${SECRET} ${newSecret}`] } }).outcome).toBe('work');
    expect(thrown(() => deliver(body, { headers: { 'webhook-signature': signature } }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('answers signature_invalid for a tampered body', () => {
    const headers = standardHeaders(body, SECRET, 'msg_2Lx0hQ4nKp', NOW_SECONDS);
    const tampered = Buffer.from(body.toString('utf8').replace('Saldo', 'Sald0'));

    const error = thrown(() => provider.handle(request(SOURCE, tampered, headers), contextFor(SOURCE, [SECRET])));

    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(httpErrorOf(error)).toMatchObject({ code: 'signature_invalid', status: 401 });
  });

  it('answers signature_invalid when the webhook-id was changed (it is signed too)', () => {
    expect(thrown(() => deliver(body, { headers: { 'webhook-id': 'msg_other' } }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('answers signature_invalid for a wrong secret, a non-v1 signature only, or a malformed timestamp', () => {
    const wrong = `whsec_${Buffer.from('wrong').toString('base64')}`;

    expect(thrown(() => deliver(body, { ctx: { secrets: [wrong] } }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { headers: { 'webhook-signature': 'v1a,c29tZXRoaW5n' } }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { headers: { 'webhook-timestamp': '2026-03-12T16:00:00Z' } }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('answers timestamp_stale outside ±300 seconds', () => {
    expect(deliver(body, { signedAt: NOW_SECONDS - 300 }).outcome).toBe('work');
    expect(deliver(body, { signedAt: NOW_SECONDS + 300 }).outcome).toBe('work');
    expect(thrown(() => deliver(body, { signedAt: NOW_SECONDS - 301 }))).toMatchObject({ code: 'timestamp_stale' });
    expect(thrown(() => deliver(body, { signedAt: NOW_SECONDS + 301 }))).toMatchObject({ code: 'timestamp_stale' });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('answers signature_missing without %s', (name) => {
    expect(thrown(() => deliver(body, { headers: { [name]: undefined } }))).toMatchObject({ code: 'signature_missing' });
  });

  // Svix's own names for the same three headers, as it sends them unless the account renames them.
  const svixHeaders = (signature: string) => ({
    'webhook-id': undefined, 'webhook-timestamp': undefined, 'webhook-signature': undefined,
    'svix-id': 'msg_2Lx0hQ4nKp', 'svix-timestamp': String(NOW_SECONDS), 'svix-signature': signature,
  });

  it('accepts a delivery signed through Svix with svix-id, svix-timestamp and svix-signature', () => {
    const result = deliver(body, { headers: svixHeaders(standardSignature(body, SECRET, 'msg_2Lx0hQ4nKp', NOW_SECONDS)) });

    expect(result.outcome).toBe('work');
    expect(planOf(result)).toEqual(planOf(deliver(body)));
  });

  it('answers signature_invalid for a Svix delivery with a wrong signature', () => {
    const wrong = standardSignature(body, `whsec_${Buffer.from('wrong').toString('base64')}`, 'msg_2Lx0hQ4nKp', NOW_SECONDS);

    const error = thrown(() => deliver(body, { headers: svixHeaders(wrong) }));

    expect(httpErrorOf(error)).toMatchObject({ code: 'signature_invalid', status: 401 });
  });

  it('answers signature_missing when neither header set is complete', () => {
    const partial = { ...svixHeaders(standardSignature(body, SECRET, 'msg_2Lx0hQ4nKp', NOW_SECONDS)), 'svix-timestamp': undefined };

    expect(thrown(() => deliver(body, { headers: partial }))).toMatchObject({ code: 'signature_missing' });
  });

  it('never puts the secret or the expected signature into the error', () => {
    const expected = standardSignature(body, SECRET, 'msg_2Lx0hQ4nKp', NOW_SECONDS).slice(3);

    const error = thrown(() => deliver(body, { headers: { 'webhook-signature': 'v1,AAAA' } })) as WebhookSignatureError;

    const visible = JSON.stringify({ message: error.message, code: error.code, stack: error.stack });
    expect(visible).not.toContain(SECRET.slice(6));
    expect(visible).not.toContain(expected);
  });
});
