import { describe, expect, it } from 'vitest';
import { httpErrorOf } from '../../lib/http/error-answer.ts';
import type { RecordStep } from '../../lib/intake/job.ts';
import { InputValidationError } from '../../lib/errors/refusal.ts';
import { WebhookSettingsError, WebhookSignatureError, providerFor } from '../../lib/providers/index.ts';
import type { ProviderContext, ProviderResult } from '../../lib/providers/index.ts';
import { eventBytes, eventJson } from './support/fixtures.ts';
import { answered, NOW_SECONDS, contextFor, planOf, request, thrown } from './support/context.ts';
import { calendlySignature } from './support/signing.ts';

const SECRET = 'calendly-signing-key-2026';
const provider = providerFor('calendly');
const OLD_INVITEE = 'https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA';
const NEW_INVITEE = 'https://api.calendly.com/scheduled_events/HHHHHHHHHHHHHHHH/invitees/BBBBBBBBBBBBBBBB';

function deliver(body: Buffer, options: { key?: string; signedAt?: number; header?: string; ctx?: Partial<ProviderContext> } = {}): ProviderResult {
  const header = options.header ?? calendlySignature(body, options.key ?? SECRET, options.signedAt ?? NOW_SECONDS);
  return provider.handle(request('calendly', body, { 'calendly-webhook-signature': header }), { ...contextFor('calendly', [SECRET]), ...options.ctx });
}

const DESCRIPTION_TAIL = [
  'Osoba: Anna Nowak',
  'E-mail: anna.nowak@example.pl',
  'Telefon: +48 601 234 567',
  'Link do spotkania: https://calendly.zoom.us/j/12345678901',
  'Odpowiedzi:',
  '- O czym chcesz porozmawiać?: Wdrożenie CRM w zespole 12 osób',
  '- Numer telefonu: +48 601 234 567',
  'Odwołanie: https://calendly.com/cancellations/AAAAAAAAAAAAAAAA',
  'Zmiana terminu: https://calendly.com/reschedulings/AAAAAAAAAAAAAAAA',
];

describe('Calendly webhooks', () => {
  it('turns invitee.created into a task at the booked Warsaw time, with the invitee, answers and links in the description', () => {
    const result = deliver(eventBytes('calendly', 'invitee-created'));

    expect(result).toEqual({
      outcome: 'work',
      plan: {
        kind: 'invitee.created',
        groupKey: 'email:anna.nowak@example.pl',
        dedupeKey: `invitee.created:${OLD_INVITEE}`,
        steps: [{
          kind: 'record',
          module: 'Events',
          fields: {
            name: 'Konsultacja 30 min – Anna Nowak',
            status: 'nowe',
            date_start: '2026-03-13',
            time_start: '10:00',
            date_end: '2026-03-13',
            time_end: '10:30',
            allDay: '0',
            description: DESCRIPTION_TAIL.join('\n'),
          },
          link: { source: 'calendly', externalId: OLD_INVITEE },
          ifMissing: 'create',
        }],
      },
    });
  });

  it('keeps the booking link\'s utm_* tracking in the description', () => {
    const event = eventJson('calendly', 'invitee-created');
    event.payload.tracking = { utm_source: 'linkedin', utm_campaign: 'wiosna-2026', utm_medium: null, salesforce_uuid: null };

    const description = planOf(deliver(Buffer.from(JSON.stringify(event)))).steps[0]!.fields.description;

    expect(description).toContain('utm_source: linkedin\nutm_campaign: wiosna-2026');
    expect(description).not.toContain('utm_medium');
    expect(description).not.toContain('salesforce');
  });

  it('takes the phone from a question about a phone, not from any question with "numer" in it', () => {
    const event = eventJson('calendly', 'invitee-created');
    event.payload.text_reminder_number = null;
    event.payload.questions_and_answers = [
      { question: 'Numer zamówienia', answer: 'ZAM/2026/17', position: 0 },
      { question: 'Numer NIP', answer: '5260250274', position: 1 },
      { question: 'Numer kontaktowy', answer: '600 700 800', position: 2 },
    ];

    const description = planOf(deliver(Buffer.from(JSON.stringify(event)))).steps[0]!.fields.description;

    expect(description).toContain('Telefon: 600 700 800');
    expect(description).toContain('- Numer zamówienia: ZAM/2026/17');
  });

  it('closes the same task on invitee.canceled, saying who canceled and why', () => {
    const created = planOf(deliver(eventBytes('calendly', 'invitee-created')));
    const canceled = planOf(deliver(eventBytes('calendly', 'invitee-canceled')));

    expect(canceled).toEqual({
      kind: 'invitee.canceled',
      groupKey: created.groupKey,
      dedupeKey: `invitee.canceled:${OLD_INVITEE}`,
      steps: [{
        kind: 'record',
        module: 'Events',
        fields: {
          name: 'Konsultacja 30 min – Anna Nowak',
          status: 'zamknięte',
          date_start: '2026-03-13',
          time_start: '10:00',
          date_end: '2026-03-13',
          time_end: '10:30',
          allDay: '0',
          description: ['Odwołane przez: Anna Nowak (invitee)', 'Powód odwołania: Wypadło mi inne spotkanie', ...DESCRIPTION_TAIL].join('\n'),
        },
        link: { source: 'calendly', externalId: OLD_INVITEE },
        ifMissing: 'create',
      }],
    });
    expect((canceled.steps[0] as RecordStep).link).toEqual((created.steps[0] as RecordStep).link);
  });

  it('closes with the configured status', () => {
    const plan = planOf(deliver(eventBytes('calendly', 'invitee-canceled'), { ctx: { settings: { ...contextFor('calendly', []).settings, closedStatus: 'anulowane' } } }));

    expect(plan.steps[0]!.fields).toMatchObject({ status: 'anulowane' });
  });

  it('moves the original task on a rescheduled invitee.created: linked to the new invitee, aliased to the old one, open again', () => {
    const plan = planOf(deliver(eventBytes('calendly', 'invitee-created-rescheduled')));

    expect(plan.dedupeKey).toBe(`invitee.created:${NEW_INVITEE}`);
    expect(plan.steps).toEqual([{
      kind: 'record',
      module: 'Events',
      fields: {
        name: 'Konsultacja 30 min – Anna Nowak',
        status: 'nowe',
        date_start: '2026-03-16',
        time_start: '14:00',
        date_end: '2026-03-16',
        time_end: '14:30',
        allDay: '0',
        description: [
          'Osoba: Anna Nowak',
          'E-mail: anna.nowak@example.pl',
          'Telefon: +48 601 234 567',
          'Link do spotkania: https://calendly.zoom.us/j/98765432100',
          'Odpowiedzi:',
          '- O czym chcesz porozmawiać?: Wdrożenie CRM w zespole 12 osób',
          '- Numer telefonu: +48 601 234 567',
          'Odwołanie: https://calendly.com/cancellations/BBBBBBBBBBBBBBBB',
          'Zmiana terminu: https://calendly.com/reschedulings/BBBBBBBBBBBBBBBB',
        ].join('\n'),
      },
      link: { source: 'calendly', externalId: NEW_INVITEE },
      aliases: [{ source: 'calendly', externalId: OLD_INVITEE }],
      ifMissing: 'create',
    }]);
  });

  it('ignores the invitee.canceled of a reschedule, so either delivery order leaves one open task at the new time', () => {
    const cancel = deliver(eventBytes('calendly', 'invitee-canceled-rescheduled'));
    const moved = planOf(deliver(eventBytes('calendly', 'invitee-created-rescheduled')));

    expect(cancel).toEqual({ outcome: 'ignored', reason: expect.stringContaining('reschedule') });
    // The only work of the pair is the move, and it reaches the original task through the alias.
    expect(moved.steps).toHaveLength(1);
    expect(moved.steps[0]).toMatchObject({ aliases: [{ externalId: OLD_INVITEE }], fields: { status: 'nowe' } });
  });

  it('gives a redelivery (signed again later) the same dedupe key, group and link', () => {
    const body = eventBytes('calendly', 'invitee-created');
    const first = planOf(deliver(body, { signedAt: NOW_SECONDS - 100 }));
    const again = planOf(deliver(body, { signedAt: NOW_SECONDS }));

    expect(again).toEqual(first);
  });

  it('answers signature_invalid when one byte of the body was changed', () => {
    const body = eventBytes('calendly', 'invitee-created');
    const header = calendlySignature(body, SECRET, NOW_SECONDS);
    const tampered = Buffer.from(body.toString('utf8').replace('"end_time": "2026-03-13T09:30', '"end_time": "2026-03-13T19:30'));
    expect(tampered.equals(body)).toBe(false);

    const error = thrown(() => deliver(tampered, { header }));

    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(httpErrorOf(error)).toMatchObject({ code: 'signature_invalid', status: 401 });
  });

  it('answers signature_invalid for a delivery signed with another key', () => {
    const error = thrown(() => deliver(eventBytes('calendly', 'invitee-created'), { key: 'someone-else' }));

    expect(error).toMatchObject({ name: 'WebhookSignatureError', code: 'signature_invalid' });
  });

  it('answers signature_missing without a Calendly-Webhook-Signature header', () => {
    const body = eventBytes('calendly', 'invitee-created');

    const error = thrown(() => provider.handle(request('calendly', body, {}), contextFor('calendly', [SECRET])));

    expect(error).toMatchObject({ name: 'WebhookSignatureError', code: 'signature_missing' });
  });

  it('answers signature_invalid for a header without v1 or without t', () => {
    const body = eventBytes('calendly', 'invitee-created');
    const v1 = calendlySignature(body, SECRET, NOW_SECONDS).split(',')[1]!;

    expect(thrown(() => deliver(body, { header: v1 }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { header: `t=${NOW_SECONDS}` }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('answers timestamp_stale for a correctly signed delivery older than the 3-minute tolerance', () => {
    const body = eventBytes('calendly', 'invitee-created');

    expect(planOf(deliver(body, { signedAt: NOW_SECONDS - 180 })).kind).toBe('invitee.created');
    expect(thrown(() => deliver(body, { signedAt: NOW_SECONDS - 181 }))).toMatchObject({ code: 'timestamp_stale' });
    expect(thrown(() => deliver(body, { signedAt: NOW_SECONDS + 181 }))).toMatchObject({ code: 'timestamp_stale' });
  });

  it('honours a configured tolerance', () => {
    const body = eventBytes('calendly', 'invitee-created');
    const ctx = { settings: { ...contextFor('calendly', []).settings, toleranceSeconds: 600 } };

    expect(planOf(deliver(body, { signedAt: NOW_SECONDS - 590, ctx })).kind).toBe('invitee.created');
  });

  it('accepts a delivery signed with the second of two configured keys (rotation), given as one value or two', () => {
    const body = eventBytes('calendly', 'invitee-created');
    const header = calendlySignature(body, 'new-key', NOW_SECONDS);

    expect(deliver(body, { header, ctx: { secrets: [`${SECRET}\nnew-key`] } }).outcome).toBe('work');
    expect(deliver(body, { header, ctx: { secrets: [SECRET, 'new-key'] } }).outcome).toBe('work');
    expect(thrown(() => deliver(body, { header }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('never puts the secret or the expected signature into the error', () => {
    const body = eventBytes('calendly', 'invitee-created');
    const expected = calendlySignature(body, SECRET, NOW_SECONDS).split('v1=')[1]!;

    const error = thrown(() => deliver(body, { key: 'wrong' })) as WebhookSignatureError;

    const visible = JSON.stringify({ message: error.message, code: error.code, problems: error.problems, stack: error.stack });
    expect(visible).not.toContain(SECRET);
    expect(visible).not.toContain(expected);
  });

  it('refuses to run without a configured secret', () => {
    const body = eventBytes('calendly', 'invitee-created');

    expect(thrown(() => deliver(body, { ctx: { secrets: [' \n \t'] } }))).toBeInstanceOf(WebhookSettingsError);
  });

  it('ignores event types it does not handle', () => {
    const body = Buffer.from(JSON.stringify({ event: 'invitee_no_show.created', payload: {} }));

    expect(deliver(body)).toEqual({ outcome: 'ignored', reason: 'Calendly event "invitee_no_show.created" is not handled' });
  });

  it('answers 422 naming the field when the start time is missing', () => {
    const event = eventJson('calendly', 'invitee-created');
    delete event.payload.scheduled_event.start_time;

    const error = thrown(() => deliver(Buffer.from(JSON.stringify(event))));

    expect(error).toBeInstanceOf(InputValidationError);
    expect(httpErrorOf(error)).toMatchObject({ status: 422, code: 'required', field: 'payload.scheduled_event.start_time' });
  });

  it('answers 422 when the end is before the start', () => {
    const event = eventJson('calendly', 'invitee-created');
    event.payload.scheduled_event.end_time = '2026-03-13T08:59:00.000000Z';

    expect(answered(() => deliver(Buffer.from(JSON.stringify(event))))).toMatchObject({ status: 422, field: 'payload.scheduled_event' });
  });

  it('answers 422 for a body that is not JSON after a valid signature', () => {
    expect(answered(() => deliver(Buffer.from('{"event":')))).toMatchObject({ status: 422, code: 'invalid_json', field: 'body' });
  });
});
