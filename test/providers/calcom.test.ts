import { describe, expect, it } from 'vitest';
import { httpErrorOf } from '../../lib/http/error-answer.ts';
import type { RecordStep } from '../../lib/intake/job.ts';
import { WebhookSettingsError, WebhookSignatureError, providerFor } from '../../lib/providers/index.ts';
import type { ProviderContext, ProviderResult } from '../../lib/providers/index.ts';
import { eventBytes, eventJson } from './support/fixtures.ts';
import { answered, contextFor, planOf, request, thrown } from './support/context.ts';
import { calcomSignature } from './support/signing.ts';

const SECRET = 'cal-secret-3f9a';
const provider = providerFor('calcom');
const ORIGINAL_UID = 'bFJeNb2uX8ANpT3JL5EfXw';
const NEW_UID = 'kS3pW9cQeR2tYx7ZmN4vLb';

function deliver(body: Buffer, options: { signature?: string | null; ctx?: Partial<ProviderContext> } = {}): ProviderResult {
  const signature = options.signature === undefined ? calcomSignature(body, SECRET) : options.signature;
  const headers: Record<string, string> = { 'x-cal-webhook-version': '2021-10-20' };
  if (signature !== null) headers['x-cal-signature-256'] = signature;
  return provider.handle(request('calcom', body, headers), { ...contextFor('calcom', [SECRET]), ...options.ctx });
}

const DETAILS = [
  'Osoba: Piotr Wiśniewski',
  'E-mail: piotr@wisniewski-sp.pl',
  'Telefon: +48 502 111 222',
];
const ANSWERS_AND_HOST = ['Odpowiedzi:', '- Liczba pracowników: 11-50', 'Prowadzący: Jan Handlowy'];

describe('Cal.com webhooks', () => {
  it('turns BOOKING_CREATED into a task at the booked Warsaw time, with the attendee, video link and answers', () => {
    const result = deliver(eventBytes('calcom', 'booking-created'));

    expect(result).toEqual({
      outcome: 'work',
      plan: {
        kind: 'BOOKING_CREATED',
        groupKey: 'email:piotr@wisniewski-sp.pl',
        dedupeKey: `BOOKING_CREATED:${ORIGINAL_UID}`,
        steps: [{
          kind: 'record',
          module: 'Events',
          fields: {
            name: 'Prezentacja produktu between Jan Handlowy and Piotr Wiśniewski',
            status: 'nowe',
            date_start: '2026-03-20',
            time_start: '14:00',
            date_end: '2026-03-20',
            time_end: '15:00',
            allDay: '0',
            description: [
              ...DETAILS,
              `Link do spotkania: https://app.cal.com/video/${ORIGINAL_UID}`,
              'Uwagi: Proszę o demo modułu faktur',
              ...ANSWERS_AND_HOST,
            ].join('\n'),
          },
          link: { source: 'calcom', externalId: ORIGINAL_UID },
          ifMissing: 'create',
        }],
      },
    });
  });

  it('moves the original task on BOOKING_RESCHEDULED: linked to the new uid, aliased to rescheduleUid, open', () => {
    const created = planOf(deliver(eventBytes('calcom', 'booking-created')));
    const moved = planOf(deliver(eventBytes('calcom', 'booking-rescheduled')));

    expect(moved).toEqual({
      kind: 'BOOKING_RESCHEDULED',
      groupKey: created.groupKey,
      dedupeKey: `BOOKING_RESCHEDULED:${NEW_UID}`,
      steps: [{
        kind: 'record',
        module: 'Events',
        fields: {
          name: 'Prezentacja produktu between Jan Handlowy and Piotr Wiśniewski',
          status: 'nowe',
          date_start: '2026-03-23',
          time_start: '09:00',
          date_end: '2026-03-23',
          time_end: '10:00',
          allDay: '0',
          description: [
            ...DETAILS,
            `Link do spotkania: https://app.cal.com/video/${NEW_UID}`,
            'Uwagi: Proszę o demo modułu faktur',
            'Powód zmiany terminu: Zmiana planu dnia',
            ...ANSWERS_AND_HOST,
          ].join('\n'),
        },
        link: { source: 'calcom', externalId: NEW_UID },
        aliases: [{ source: 'calcom', externalId: ORIGINAL_UID }],
        ifMissing: 'create',
      }],
    });
  });

  it('also finds the original booking through fromReschedule when rescheduleUid is absent', () => {
    const event = eventJson('calcom', 'booking-rescheduled');
    delete event.payload.rescheduleUid;
    event.payload.fromReschedule = ORIGINAL_UID;

    const step = planOf(deliver(Buffer.from(JSON.stringify(event)))).steps[0] as RecordStep;

    expect(step.aliases).toEqual([{ source: 'calcom', externalId: ORIGINAL_UID }]);
  });

  it('closes the task on BOOKING_CANCELLED, saying who cancelled and why, on the same link', () => {
    const created = planOf(deliver(eventBytes('calcom', 'booking-created')));
    const cancelled = planOf(deliver(eventBytes('calcom', 'booking-cancelled')));

    expect(cancelled.dedupeKey).toBe(`BOOKING_CANCELLED:${ORIGINAL_UID}`);
    expect(cancelled.steps).toEqual([{
      kind: 'record',
      module: 'Events',
      fields: {
        name: 'Prezentacja produktu between Jan Handlowy and Piotr Wiśniewski',
        status: 'zamknięte',
        date_start: '2026-03-20',
        time_start: '14:00',
        date_end: '2026-03-20',
        time_end: '15:00',
        allDay: '0',
        description: [
          'Odwołane przez: piotr@wisniewski-sp.pl',
          'Powód odwołania: Budżet przesunięty na kolejny kwartał',
          ...DETAILS,
          `Link do spotkania: https://app.cal.com/video/${ORIGINAL_UID}`,
          'Uwagi: Proszę o demo modułu faktur',
          ...ANSWERS_AND_HOST,
        ].join('\n'),
      },
      link: (created.steps[0] as RecordStep).link,
      ifMissing: 'create',
    }]);
  });

  describe('seated events', () => {
    // One booking uid for every seat (Cal.com's handleSeats/createNewSeat and cancelAttendeeSeat).
    const SEATED_UID = 'Vq4T7sN2mXc9LpR3aB6yHd';
    const ANNA_SEAT = 'f3b9a6d2-8c1e-4f7a-b5d0-6e2c9a1b4f83';
    const PIOTR_SEAT = '7d1c2f0e-5a4b-4e8f-9c3d-2b1a0f9e8d7c';
    const deliverJson = (event: unknown) => planOf(deliver(Buffer.from(JSON.stringify(event))));
    /** The first seat of the same booking, as Cal.com sends it: the booker alone, with their seat id. */
    const firstSeat = () => {
      const event = eventJson('calcom', 'seat-created');
      const [piotr] = event.payload.attendees;
      delete piotr.bookingSeat;
      event.payload.attendees = [piotr];
      event.payload.attendeeSeatId = PIOTR_SEAT;
      event.payload.title = 'Warsztaty KSeF between Jan Handlowy and Piotr Wiśniewski';
      event.payload.responses.name.value = 'Piotr Wiśniewski';
      event.payload.responses.email.value = 'piotr@wisniewski-sp.pl';
      return event;
    };

    it('turns a new seat into a task of its own: linked to booking uid + seat id, describing the attendee listed last', () => {
      const plan = planOf(deliver(eventBytes('calcom', 'seat-created')));

      expect(plan).toEqual({
        kind: 'BOOKING_CREATED',
        groupKey: 'email:anna.nowak@biuro-nowak.pl',
        dedupeKey: `BOOKING_CREATED:${SEATED_UID}/seat/${ANNA_SEAT}`,
        steps: [{
          kind: 'record',
          module: 'Events',
          fields: {
            name: 'Warsztaty KSeF between Jan Handlowy and Anna Nowak',
            status: 'nowe',
            date_start: '2026-03-26',
            time_start: '10:00',
            date_end: '2026-03-26',
            time_end: '12:00',
            allDay: '0',
            description: [
              'Osoba: Anna Nowak',
              'E-mail: anna.nowak@biuro-nowak.pl',
              'Telefon: +48 601 222 333',
              `Link do spotkania: https://app.cal.com/video/${SEATED_UID}`,
              'Uwagi: Czy będzie nagranie?',
              'Odpowiedzi:',
              '- Liczba pracowników: 1-10',
              'Prowadzący: Jan Handlowy',
            ].join('\n'),
          },
          link: { source: 'calcom', externalId: `${SEATED_UID}/seat/${ANNA_SEAT}` },
          aliases: [{ source: 'calcom', externalId: `${SEATED_UID}/attendee/anna.nowak@biuro-nowak.pl` }],
          ifMissing: 'create',
        }],
      });
    });

    it('gives each seat its own dedupe key and link, so a second seat is not dropped as a duplicate of the first', () => {
      const first = deliverJson(firstSeat());
      const second = planOf(deliver(eventBytes('calcom', 'seat-created')));

      expect(first.dedupeKey).toBe(`BOOKING_CREATED:${SEATED_UID}/seat/${PIOTR_SEAT}`);
      expect(first.dedupeKey).not.toBe(second.dedupeKey);
      expect((first.steps[0] as RecordStep).link).not.toEqual((second.steps[0] as RecordStep).link);
      expect(first.steps[0]!.fields).toMatchObject({ description: expect.stringContaining('Osoba: Piotr Wiśniewski') });
    });

    it('closes only the leaving attendee\'s task when one seat is given up, without the first booker\'s answers', () => {
      const seat = planOf(deliver(eventBytes('calcom', 'seat-created'))).steps[0] as RecordStep;
      const cancelled = planOf(deliver(eventBytes('calcom', 'seat-cancelled')));

      expect(cancelled).toEqual({
        kind: 'BOOKING_CANCELLED',
        groupKey: 'email:anna.nowak@biuro-nowak.pl',
        dedupeKey: `BOOKING_CANCELLED:${SEATED_UID}/anna.nowak@biuro-nowak.pl@2026-03-18T15:42:10.311Z`,
        steps: [{
          kind: 'record',
          module: 'Events',
          fields: {
            name: 'Warsztaty KSeF – Anna Nowak',
            status: 'zamknięte',
            date_start: '2026-03-26',
            time_start: '10:00',
            date_end: '2026-03-26',
            time_end: '12:00',
            allDay: '0',
            description: [
              'Powód odwołania: Wypadł mi wyjazd',
              'Osoba: Anna Nowak',
              'E-mail: anna.nowak@biuro-nowak.pl',
              'Telefon: +48 601 222 333',
              'Prowadzący: Jan Handlowy',
            ].join('\n'),
          },
          link: seat.aliases![0],
          ifMissing: 'create',
        }],
      });
      expect(JSON.stringify(cancelled)).not.toContain('piotr');
    });

    it('closes every seat\'s task when the whole seated booking is cancelled', () => {
      const event = eventJson('calcom', 'seat-cancelled');
      const [anna] = event.payload.attendees;
      event.payload.attendees = [{ ...anna, id: 311, email: 'piotr@wisniewski-sp.pl', name: 'Piotr Wiśniewski' }, anna];
      event.payload.cancelledBy = 'jan.handlowy@firma.pl';

      const plan = deliverJson(event);

      expect(plan.groupKey).toBe(`booking:${SEATED_UID}`);
      expect(plan.steps.map((step) => [(step as RecordStep).link.externalId, (step.fields as Record<string, string>).status])).toEqual([
        [`${SEATED_UID}/attendee/piotr@wisniewski-sp.pl`, 'zamknięte'],
        [`${SEATED_UID}/attendee/anna.nowak@biuro-nowak.pl`, 'zamknięte'],
      ]);
    });
  });

  it('writes the configured task type and statuses', () => {
    const ctx = contextFor('calcom', [SECRET], { settings: { taskType: 'spotkanie', openStatus: 'w toku' } });

    expect(planOf(deliver(eventBytes('calcom', 'booking-created'), { ctx })).steps[0]!.fields).toMatchObject({ type: 'spotkanie', status: 'w toku' });
  });

  it('gives a redelivery the same dedupe key and link', () => {
    const body = eventBytes('calcom', 'booking-created');

    expect(planOf(deliver(body))).toEqual(planOf(deliver(body)));
  });

  it('answers signature_missing when Cal.com sends "no-secret-provided" while we have a secret', () => {
    const error = thrown(() => deliver(eventBytes('calcom', 'booking-created'), { signature: 'no-secret-provided' }));

    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(httpErrorOf(error)).toMatchObject({ code: 'signature_missing', status: 401 });
  });

  it('answers signature_missing without the X-Cal-Signature-256 header', () => {
    expect(thrown(() => deliver(eventBytes('calcom', 'booking-created'), { signature: null }))).toMatchObject({ code: 'signature_missing' });
  });

  it('answers signature_invalid for a tampered body or another secret', () => {
    const body = eventBytes('calcom', 'booking-created');
    const tampered = Buffer.from(body.toString('utf8').replace('13:00:00Z', '12:00:00Z'));

    expect(thrown(() => deliver(tampered, { signature: calcomSignature(body, SECRET) }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { signature: calcomSignature(body, 'other') }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { signature: 'zz' }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('accepts the second configured secret during rotation', () => {
    const body = eventBytes('calcom', 'booking-created');

    const result = deliver(body, { signature: calcomSignature(body, 'cal-secret-new'), ctx: { secrets: [`${SECRET}\ncal-secret-new`] } });

    expect(result.outcome).toBe('work');
  });

  it('refuses to run without a configured secret, even for an unsigned delivery', () => {
    const error = thrown(() => deliver(eventBytes('calcom', 'booking-created'), { signature: 'no-secret-provided', ctx: { secrets: [] } }));

    expect(error).toBeInstanceOf(WebhookSettingsError);
  });

  it('ignores triggers it does not handle, such as the PING test', () => {
    const body = Buffer.from(JSON.stringify({ triggerEvent: 'PING', createdAt: '2026-03-12T10:00:00.000Z', payload: {} }));

    expect(deliver(body)).toEqual({ outcome: 'ignored', reason: 'Cal.com event "PING" is not handled' });
  });

  it('answers 422 naming the field when the booking uid is missing', () => {
    const event = eventJson('calcom', 'booking-created');
    delete event.payload.uid;

    expect(answered(() => deliver(Buffer.from(JSON.stringify(event))))).toMatchObject({ status: 422, code: 'required', field: 'payload.uid' });
  });

  it('answers 422 for a start time without an offset, which names no instant', () => {
    const event = eventJson('calcom', 'booking-created');
    event.payload.startTime = '2026-03-20T14:00:00';

    expect(answered(() => deliver(Buffer.from(JSON.stringify(event))))).toMatchObject({ status: 422, field: 'payload.startTime' });
  });
});
