import type { LinkRef, RecordStep, WorkPlan } from '../../intake/job.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import type { ProviderResult } from '../types.ts';
import { firstText, joinLines, line, personName, textOf } from '../shared/description-lines.ts';
import { timedEventFields } from '../shared/event-times.ts';
import { emailIdentity } from '../shared/identity.ts';
import { compact, ignoredEvent, work } from '../shared/results.ts';
import { parseWith } from '../shared/validate.ts';
import { CalcomBookingDeliverySchema, CalcomEnvelopeSchema } from './payload.ts';
import type { CalcomBooking } from './payload.ts';

export type CalcomMapOptions = { source: string; timeZone: string; settings: SourceSettings };

const HANDLED = ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED'] as const;
type Handled = (typeof HANDLED)[number];

// Booking-form answers shown on their own lines (or not at all); every other answer is listed as `label: value`.
const KNOWN_RESPONSES = new Set(['name', 'email', 'location', 'notes', 'guests', 'rescheduleReason', 'attendeePhoneNumber', 'smsReminderNumber']);

type Attendee = NonNullable<CalcomBooking['attendees']>[number];
type Person = { name: string | undefined; email: string | undefined; phone: string | undefined };

/**
 * BOOKING_CREATED → a task linked to the booking uid; BOOKING_CANCELLED → that task closed.
 * BOOKING_RESCHEDULED carries a new uid and points back with `rescheduleUid`: the step is linked to
 * the new uid with the old one as an alias, so the worker moves the original task to the new time
 * (and a later cancel of the new uid finds it too).
 *
 * Seated events are one booking (one uid) shared by many attendees, each with a task of their own:
 * every seat taken sends BOOKING_CREATED with the booking's uid, all attendees so far (the new one
 * last) and the new seat's `attendeeSeatId`; one attendee giving up a seat sends BOOKING_CANCELLED with
 * the booking's uid and only that attendee, without the seat id. So a seat's task is linked to the
 * booking uid + seat id, aliased to the booking uid + the attendee's e-mail, which is all its
 * cancellation can name.
 */
export function mapCalcom(body: unknown, options: CalcomMapOptions): ProviderResult {
  const { triggerEvent, createdAt } = parseWith(CalcomEnvelopeSchema, body);
  if (!(HANDLED as readonly string[]).includes(triggerEvent)) return ignoredEvent('Cal.com', triggerEvent);
  const event = triggerEvent as Handled;

  const booking = parseWith(CalcomBookingDeliverySchema, body).payload;
  const seatId = typeof booking.attendeeSeatId === 'string' ? firstText(booking.attendeeSeatId) : undefined;
  if (event === 'BOOKING_CREATED' && seatId) return work(seatTaken(booking, seatId, options));
  const leaving = event === 'BOOKING_CANCELLED' && isSeated(booking) ? seatsGivenUp(booking, firstText(createdAt), options) : undefined;
  if (leaving) return work(leaving);

  const { source } = options;
  const attendee = booking.attendees?.[0];
  const person = personOf(booking, attendee, booking.smsReminderNumber);

  const aliases: LinkRef[] = event === 'BOOKING_RESCHEDULED'
    ? [...new Set([booking.rescheduleUid, booking.fromReschedule])]
      .filter((uid): uid is string => typeof uid === 'string' && uid !== booking.uid)
      .map((uid) => ({ source, externalId: uid }))
    : [];

  return work({
    kind: event,
    groupKey: person.email ? emailIdentity(person.email) : `booking:${booking.uid}`,
    dedupeKey: `${event}:${booking.uid}`,
    steps: [taskStep(booking, person, { link: { source, externalId: booking.uid }, aliases, cancelled: event === 'BOOKING_CANCELLED', ownAnswers: true }, options)],
  });
}

/**
 * A seat taken: the new attendee is the last one listed, and the answers are theirs (Cal.com sends the
 * booking form they filled in). The booking's `smsReminderNumber` belongs to whoever booked first.
 */
function seatTaken(booking: CalcomBooking, seatId: string, options: CalcomMapOptions): WorkPlan {
  const { source } = options;
  const attendee = booking.attendees?.at(-1);
  const person = personOf(booking, attendee);
  const link = { source, externalId: seatRef(booking.uid, seatId) };
  const aliases = person.email ? [{ source, externalId: attendeeRef(booking.uid, person.email) }] : [];
  return {
    kind: 'BOOKING_CREATED',
    groupKey: person.email ? emailIdentity(person.email) : `booking:${booking.uid}`,
    dedupeKey: `BOOKING_CREATED:${link.externalId}`,
    steps: [taskStep(booking, person, { link, aliases, cancelled: false, ownAnswers: true }, options)],
  };
}

/**
 * Seats given up: each listed attendee's task closed, found by booking uid + e-mail. One attendee
 * leaving lists only them; cancelling a whole seated booking lists everyone, closing every seat.
 * The answers, notes and title in the payload are the booking's (its first booker's), so they are
 * left out. Undefined when no attendee has an e-mail to find a seat by.
 */
function seatsGivenUp(booking: CalcomBooking, createdAt: string | undefined, options: CalcomMapOptions): WorkPlan | undefined {
  const { source } = options;
  const people = (booking.attendees ?? [])
    .map((attendee: Attendee): Person => ({ name: nameOf(attendee.name), email: firstText(attendee.email), phone: firstText(attendee.phoneNumber) }))
    .filter((person): person is Person & { email: string } => person.email !== undefined);
  if (people.length === 0) return undefined;
  const emails = people.map((person) => person.email.toLowerCase());
  return {
    kind: 'BOOKING_CANCELLED',
    groupKey: people.length === 1 ? emailIdentity(people[0]!.email) : `booking:${booking.uid}`,
    // Without a seat id, the same person may leave the same booking twice (booked again in between):
    // Cal.com's send time tells those apart, and a resend of one delivery carries the same body.
    dedupeKey: `BOOKING_CANCELLED:${booking.uid}/${emails.join(',')}${createdAt ? `@${createdAt}` : ''}`,
    steps: people.map((person) => taskStep(booking, person, {
      link: { source, externalId: attendeeRef(booking.uid, person.email) }, aliases: [], cancelled: true, ownAnswers: false,
    }, options)),
  };
}

const seatRef = (uid: string, seatId: string) => `${uid}/seat/${seatId}`;
const attendeeRef = (uid: string, email: string) => `${uid}/attendee/${email.trim().toLowerCase()}`;

function isSeated(booking: CalcomBooking): boolean {
  return typeof booking.seatsPerTimeSlot === 'number' && booking.seatsPerTimeSlot > 0;
}

type StepShape = { link: LinkRef; aliases: LinkRef[]; cancelled: boolean; ownAnswers: boolean };

function taskStep(booking: CalcomBooking, person: Person, shape: StepShape, options: CalcomMapOptions): RecordStep {
  const { settings } = options;
  const eventName = firstText(booking.eventTitle, booking.type) ?? 'Spotkanie';
  const title = shape.ownAnswers ? firstText(booking.title) : undefined;
  return {
    kind: 'record',
    module: 'Events',
    fields: compact({
      name: title ?? `${eventName} – ${person.name ?? person.email ?? 'Cal.com'}`,
      type: settings.taskType,
      status: shape.cancelled ? settings.closedStatus : settings.openStatus,
      ...timedEventFields(booking.startTime, booking.endTime, options.timeZone),
      description: describe(booking, person, shape),
    }),
    link: shape.link,
    ...(shape.aliases.length > 0 ? { aliases: shape.aliases } : {}),
    ifMissing: 'create',
  };
}

function responseValue(booking: CalcomBooking, key: string): unknown {
  const response = booking.responses?.[key];
  return response !== null && typeof response === 'object' && 'value' in response ? response.value : undefined;
}

/**
 * The person a booking's task is about: an attendee, the booking form's answers filling what the attendee
 * leaves out; `bookerPhone` (the booking's SMS reminder number) only when the attendee is the one who booked.
 */
function personOf(booking: CalcomBooking, attendee: Attendee | undefined, bookerPhone?: string | null): Person {
  return {
    name: nameOf(attendee?.name) ?? nameOf(responseValue(booking, 'name')),
    email: firstText(attendee?.email, responseValue(booking, 'email')),
    phone: firstText(...phoneAnswers(booking), bookerPhone, attendee?.phoneNumber),
  };
}

function phoneAnswers(booking: CalcomBooking): (string | undefined)[] {
  return [textOf(responseValue(booking, 'attendeePhoneNumber')), textOf(responseValue(booking, 'smsReminderNumber'))];
}

/** A name as Cal.com sends it: a string, or `{ firstName, lastName }` when the form splits it. */
function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return firstText(value);
  if (value !== null && typeof value === 'object') {
    const { firstName, lastName } = value as { firstName?: unknown; lastName?: unknown };
    return personName(typeof firstName === 'string' ? firstName : undefined, typeof lastName === 'string' ? lastName : undefined);
  }
  return undefined;
}

function describe(booking: CalcomBooking, person: Person, shape: StepShape): string | undefined {
  const { cancelled, ownAnswers } = shape;
  const location = firstText(booking.location);
  const locationIsLink = location !== undefined && /^https?:\/\//i.test(location);
  // `integrations:daily` and the like are Cal.com's app ids, not places; the join link is in metadata.
  const place = location !== undefined && !locationIsLink && !location.startsWith('integrations:') ? location : undefined;
  const joinUrl = firstText(booking.metadata?.videoCallUrl, locationIsLink ? location : undefined);

  const otherAnswers = !ownAnswers ? [] : Object.entries(booking.responses ?? {})
    .filter(([key]) => !KNOWN_RESPONSES.has(key))
    .map(([key, response]) => {
      if (response === null || typeof response !== 'object') return undefined;
      const { label, value } = response as { label?: unknown; value?: unknown };
      const text = textOf(value);
      return text === undefined ? undefined : `- ${firstText(label) ?? key}: ${text}`;
    })
    .filter((answer): answer is string => answer !== undefined);

  return joinLines([
    cancelled && line('Odwołane przez', booking.cancelledBy),
    cancelled && line('Powód odwołania', booking.cancellationReason),
    line('Osoba', person.name),
    line('E-mail', person.email),
    line('Telefon', person.phone),
    line('Miejsce', place),
    line('Link do spotkania', joinUrl),
    ownAnswers && line('Uwagi', firstText(booking.additionalNotes, textOf(responseValue(booking, 'notes')))),
    ownAnswers && line('Powód zmiany terminu', textOf(responseValue(booking, 'rescheduleReason'))),
    otherAnswers.length > 0 && 'Odpowiedzi:',
    ...otherAnswers,
    line('Prowadzący', nameOf(booking.organizer?.name)),
  ]);
}
