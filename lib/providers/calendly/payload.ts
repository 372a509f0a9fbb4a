import * as v from 'valibot';
import { InstantSchema } from '../shared/instant.ts';

const optionalText = v.nullish(v.string());
const uri = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500));

export const CalendlyEnvelopeSchema = v.looseObject({ event: v.string() });

/** The parts of an invitee.created / invitee.canceled delivery we use (Calendly API v2 webhook payload). */
export const CalendlyInviteeDeliverySchema = v.looseObject({
  event: v.string(),
  payload: v.looseObject({
    uri,
    email: optionalText,
    name: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    text_reminder_number: optionalText,
    cancel_url: optionalText,
    reschedule_url: optionalText,
    rescheduled: v.nullish(v.boolean()),
    old_invitee: v.nullish(uri),
    new_invitee: v.nullish(uri),
    // utm_* of the booking link; read leniently, since a value we cannot use must not refuse the booking.
    tracking: v.nullish(v.record(v.string(), v.unknown())),
    questions_and_answers: v.nullish(v.array(v.looseObject({ question: v.string(), answer: optionalText }))),
    cancellation: v.nullish(v.looseObject({ canceled_by: optionalText, reason: optionalText, canceler_type: optionalText })),
    scheduled_event: v.pipe(
      v.looseObject({
        name: optionalText,
        start_time: InstantSchema,
        end_time: InstantSchema,
        location: v.nullish(v.looseObject({ type: optionalText, location: optionalText, join_url: optionalText })),
      }),
      v.check((event) => event.end_time.getTime() >= event.start_time.getTime(), 'end_time is before start_time'),
    ),
  }),
});

export type CalendlyInvitee = v.InferOutput<typeof CalendlyInviteeDeliverySchema>['payload'];
