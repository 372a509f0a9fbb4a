import * as v from 'valibot';
import { InstantSchema } from '../shared/instant.ts';

const optionalText = v.nullish(v.string());
const uid = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200));

export const CalcomEnvelopeSchema = v.looseObject({ triggerEvent: v.string() });

const PersonSchema = v.looseObject({ name: v.nullish(v.unknown()), email: optionalText, phoneNumber: optionalText });

/** The parts of a booking delivery we use (Cal.com's documented webhook payload). */
export const CalcomBookingDeliverySchema = v.looseObject({
  triggerEvent: v.string(),
  payload: v.pipe(
    v.looseObject({
      uid,
      title: optionalText,
      eventTitle: optionalText,
      type: optionalText,
      startTime: InstantSchema,
      endTime: InstantSchema,
      attendees: v.nullish(v.array(PersonSchema)),
      organizer: v.nullish(PersonSchema),
      location: optionalText,
      additionalNotes: optionalText,
      smsReminderNumber: optionalText,
      responses: v.nullish(v.record(v.string(), v.unknown())),
      // The docs name rescheduleUid; Cal.com's booking record calls the same link fromReschedule.
      rescheduleUid: v.nullish(uid),
      fromReschedule: v.nullish(uid),
      cancellationReason: optionalText,
      cancelledBy: optionalText,
      metadata: v.nullish(v.looseObject({ videoCallUrl: optionalText })),
    }),
    v.check((booking) => booking.endTime.getTime() >= booking.startTime.getTime(), 'endTime is before startTime'),
  ),
});

export type CalcomBooking = v.InferOutput<typeof CalcomBookingDeliverySchema>['payload'];
