import type { LinkRef, RecordStep } from '../../intake/job.ts';
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

/**
 * BOOKING_CREATED → a task linked to the booking uid; BOOKING_CANCELLED → that task closed.
 * BOOKING_RESCHEDULED carries a new uid and points back with `rescheduleUid`: the step is linked to
 * the new uid with the old one as an alias, so the worker moves the original task to the new time
 * (and a later cancel of the new uid finds it too).
 */
export function mapCalcom(body: unknown, options: CalcomMapOptions): ProviderResult {
  const { triggerEvent } = parseWith(CalcomEnvelopeSchema, body);
  if (!(HANDLED as readonly string[]).includes(triggerEvent)) return ignoredEvent('Cal.com', triggerEvent);
  const event = triggerEvent as Handled;

  const booking = parseWith(CalcomBookingDeliverySchema, body).payload;
  const { source, settings } = options;
  const cancelled = event === 'BOOKING_CANCELLED';
  const attendee = booking.attendees?.[0];
  const attendeeName = nameOf(attendee?.name) ?? nameOf(responseValue(booking, 'name'));
  const attendeeEmail = firstText(attendee?.email, responseValue(booking, 'email'));

  const aliases: LinkRef[] = event === 'BOOKING_RESCHEDULED'
    ? [...new Set([booking.rescheduleUid, booking.fromReschedule])]
      .filter((uid): uid is string => typeof uid === 'string' && uid !== booking.uid)
      .map((uid) => ({ source, externalId: uid }))
    : [];

  const step: RecordStep = {
    kind: 'record',
    module: 'Events',
    fields: compact({
      name: firstText(booking.title) ?? `${firstText(booking.eventTitle, booking.type) ?? 'Spotkanie'} – ${attendeeName ?? attendeeEmail ?? 'Cal.com'}`,
      type: settings.taskType,
      status: cancelled ? settings.closedStatus : settings.openStatus,
      ...timedEventFields(booking.startTime, booking.endTime, options.timeZone),
      description: describe(booking, attendeeName, attendeeEmail, cancelled),
    }),
    link: { source, externalId: booking.uid },
    ...(aliases.length > 0 ? { aliases } : {}),
    ifMissing: 'create',
  };

  return work({
    kind: event,
    groupKey: attendeeEmail ? emailIdentity(attendeeEmail) : `booking:${booking.uid}`,
    dedupeKey: `${event}:${booking.uid}`,
    steps: [step],
  });
}

function responseValue(booking: CalcomBooking, key: string): unknown {
  const response = booking.responses?.[key];
  return response !== null && typeof response === 'object' && 'value' in response ? response.value : undefined;
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

function describe(booking: CalcomBooking, attendeeName: string | undefined, attendeeEmail: string | undefined, cancelled: boolean): string | undefined {
  const location = firstText(booking.location);
  const locationIsLink = location !== undefined && /^https?:\/\//i.test(location);
  // `integrations:daily` and the like are Cal.com's app ids, not places; the join link is in metadata.
  const place = location !== undefined && !locationIsLink && !location.startsWith('integrations:') ? location : undefined;
  const joinUrl = firstText(booking.metadata?.videoCallUrl, locationIsLink ? location : undefined);
  const phone = firstText(textOf(responseValue(booking, 'attendeePhoneNumber')), textOf(responseValue(booking, 'smsReminderNumber')),
    booking.smsReminderNumber, booking.attendees?.[0]?.phoneNumber);

  const otherAnswers = Object.entries(booking.responses ?? {})
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
    line('Osoba', attendeeName),
    line('E-mail', attendeeEmail),
    line('Telefon', phone),
    line('Miejsce', place),
    line('Link do spotkania', joinUrl),
    line('Uwagi', firstText(booking.additionalNotes, textOf(responseValue(booking, 'notes')))),
    line('Powód zmiany terminu', textOf(responseValue(booking, 'rescheduleReason'))),
    otherAnswers.length > 0 && 'Odpowiedzi:',
    ...otherAnswers,
    line('Prowadzący', nameOf(booking.organizer?.name)),
  ]);
}
