import * as v from 'valibot';
import { InstantSchema } from '../shared/instant.ts';

const optionalText = v.nullish(v.string());
const uid = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200));

export const CalcomEnvelopeSchema = v.looseObject({ triggerEvent: v.string(), createdAt: v.nullish(v.unknown()) });

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
      // Seated events: the seat a BOOKING_CREATED adds (Cal.com's `evt.attendeeSeatId`), and the event type's seat count.
      // Read as they come and checked where used: a sender is never refused over a field we only look at.
      attendeeSeatId: v.nullish(v.unknown()),
      seatsPerTimeSlot: v.nullish(v.unknown()),
    }),
    v.check((booking) => booking.endTime.getTime() >= booking.startTime.getTime(), 'endTime is before startTime'),
  ),
});

export type CalcomBooking = v.InferOutput<typeof CalcomBookingDeliverySchema>['payload'];
