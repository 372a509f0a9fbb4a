import type { LinkRef, RecordStep } from '../../intake/job.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import type { ProviderResult } from '../types.ts';
import { firstText, joinLines, line, personName, textOf } from '../shared/description-lines.ts';
import { timedEventFields } from '../shared/event-times.ts';
import { emailIdentity } from '../shared/identity.ts';
import { compact, ignoredEvent, work } from '../shared/results.ts';
import { parseWith } from '../shared/validate.ts';
import { CalendlyEnvelopeSchema, CalendlyInviteeDeliverySchema } from './payload.ts';
import type { CalendlyInvitee } from './payload.ts';

export type CalendlyMapOptions = { source: string; timeZone: string; settings: SourceSettings };

// A phone question by its words ("Numer kontaktowy" is one; "Numer zamówienia" or "Numer NIP" are not).
const PHONE_QUESTION = /phone|telefon|\btel\b|kom[oó]rk|(numer|nr\.?)\s*(kontakt|tel|kom)/i;

/**
 * invitee.created → a task (Events/Save) linked to the invitee URI; invitee.canceled → the same task closed.
 *
 * Reschedules: Calendly sends invitee.canceled (`rescheduled: true`) for the old invitee and
 * invitee.created (`old_invitee`) for the new one, in no guaranteed order. The cancel is ignored;
 * the created step is linked to the new invitee with the old one as an alias, so the worker edits
 * the original task to the new time with the open status. Either order ends with one open task at
 * the new time: nothing ever closes the moved task, and the move does not depend on the cancel.
 */
export function mapCalendly(body: unknown, options: CalendlyMapOptions): ProviderResult {
  const { event } = parseWith(CalendlyEnvelopeSchema, body);
  if (event !== 'invitee.created' && event !== 'invitee.canceled') return ignoredEvent('Calendly', event);

  const invitee = parseWith(CalendlyInviteeDeliverySchema, body).payload;
  if (event === 'invitee.canceled' && invitee.rescheduled === true) {
    return { outcome: 'ignored', reason: 'Calendly invitee.canceled of a reschedule: the new invitee.created moves the task' };
  }

  const { source, settings } = options;
  const canceled = event === 'invitee.canceled';
  const link: LinkRef = { source, externalId: invitee.uri };
  const aliases = !canceled && invitee.old_invitee ? [{ source, externalId: invitee.old_invitee }] : undefined;
  const inviteeName = firstText(invitee.name, personName(invitee.first_name, invitee.last_name), invitee.email) ?? 'Calendly';

  const step: RecordStep = {
    kind: 'record',
    module: 'Events',
    fields: compact({
      name: `${firstText(invitee.scheduled_event.name) ?? 'Spotkanie'} – ${inviteeName}`,
      type: settings.taskType,
      status: canceled ? settings.closedStatus : settings.openStatus,
      ...timedEventFields(invitee.scheduled_event.start_time, invitee.scheduled_event.end_time, options.timeZone),
      description: describe(invitee, canceled),
    }),
    link,
    ...(aliases ? { aliases } : {}),
    // A cancel for a booking we never saw still records it, closed: the CRM keeps the history.
    ifMissing: 'create',
  };

  return work({
    kind: event,
    groupKey: invitee.email ? emailIdentity(invitee.email) : `invitee:${invitee.uri}`,
    // Calendly documents no delivery id; the event name and invitee URI identify one delivery.
    dedupeKey: `${event}:${invitee.uri}`,
    steps: [step],
  });
}

function describe(invitee: CalendlyInvitee, canceled: boolean): string | undefined {
  const answers = (invitee.questions_and_answers ?? []).filter((qa) => firstText(qa.answer) !== undefined);
  const location = invitee.scheduled_event.location;
  const phone = firstText(
    invitee.text_reminder_number,
    answers.find((qa) => PHONE_QUESTION.test(qa.question))?.answer,
    location?.type === 'outbound_call' ? location.location : undefined,
  );
  const cancellation = canceled ? invitee.cancellation : undefined;
  const canceledBy = firstText(cancellation?.canceled_by);
  return joinLines([
    cancellation && line('Odwołane przez', canceledBy && cancellation.canceler_type ? `${canceledBy} (${cancellation.canceler_type})` : canceledBy),
    cancellation && line('Powód odwołania', cancellation.reason),
    line('Osoba', firstText(invitee.name, personName(invitee.first_name, invitee.last_name))),
    line('E-mail', invitee.email),
    line('Telefon', phone),
    line('Miejsce', location?.location),
    line('Link do spotkania', location?.join_url),
    answers.length > 0 && 'Odpowiedzi:',
    ...answers.map((qa) => `- ${qa.question.trim()}: ${firstText(qa.answer)}`),
    // The campaign that brought the booking, as Typeform's hidden fields are kept.
    ...Object.entries(invitee.tracking ?? {}).filter(([key]) => key.startsWith('utm_')).map(([key, value]) => line(key, textOf(value))),
    line('Odwołanie', invitee.cancel_url),
    line('Zmiana terminu', invitee.reschedule_url),
  ]);
}
