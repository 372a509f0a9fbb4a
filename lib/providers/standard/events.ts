import * as v from 'valibot';
import { isTimeZone } from '../../time/wall-clock.ts';
import { DateSchema, InstantSchema } from '../shared/instant.ts';

/*
 * Our documented Standard Webhooks events. schemas/webhook-events/*.schema.json publish the same
 * rules as JSON Schema (a test keeps the two in step); change both together.
 */

export const STANDARD_EVENT_TYPES = ['lead.created', 'calendar_event.created', 'calendar_event.updated', 'calendar_event.cancelled'] as const;
export type StandardEventType = (typeof STANDARD_EVENT_TYPES)[number];

export const StandardEnvelopeSchema = v.looseObject({ type: v.string() });

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const nonEmpty = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));


/*
 * lead.created is read tolerantly: senders add fields and send null for absent values, and a 422 only
 * makes them retry the same body until they give up. Unknown keys are kept (aliases such as `miasto`
 * become lead fields, the rest goes into the client's description), null is absent, and an e-mail or a
 * NIP that cannot be used is noted in the description — refused only when nothing else identifies the lead.
 */
export const LEAD_DATA_ENTRIES = {
  /** The sender's own id for the lead: a lead sent again under a new webhook-id is still recognised. */
  id: v.optional(nonEmpty(200)),
  company: v.optional(text(200)),
  first_name: v.optional(text(100)),
  last_name: v.optional(text(100)),
  /** The person's full name, for senders that keep it in one field. */
  name: v.optional(text(200)),
  email: v.optional(text(254)),
  phone: v.optional(text(40)),
  nip: v.optional(text(40)),
  address: v.optional(text(300)),
  postal_code: v.optional(text(20)),
  city: v.optional(text(100)),
  country: v.optional(text(100)),
  message: v.optional(text(10_000)),
  page_url: v.optional(text(2000)),
  referrer: v.optional(text(2000)),
};
/** Keys that identify the person: at least one must be non-blank. */
export const LEAD_CONTACT_KEYS = ['company', 'first_name', 'last_name', 'name', 'email', 'phone', 'nip'] as const;
/** Longest value of an extra key written into the description; longer ones are shortened, not refused. */
export const EXTRA_VALUE_MAX = 500;

const LeadDataSchema = v.pipe(
  v.objectWithRest(LEAD_DATA_ENTRIES, v.unknown()),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const data = dataset.value as Record<string, unknown>;
    if (!LEAD_CONTACT_KEYS.some((key) => typeof data[key] === 'string' && data[key].trim() !== '')) {
      addIssue({ message: `needs at least one of ${LEAD_CONTACT_KEYS.join(', ')}` });
    }
  }),
);

export const CALENDAR_EVENT_DATA_ENTRIES = {
  id: nonEmpty(200),
  title: v.optional(nonEmpty(500)),
  all_day: v.optional(v.boolean()),
  start: v.optional(InstantSchema),
  end: v.optional(InstantSchema),
  start_date: v.optional(DateSchema),
  end_date: v.optional(DateSchema),
  time_zone: v.optional(v.pipe(v.string(), v.check(isTimeZone, 'expected an IANA time zone such as Europe/Warsaw'))),
  location: v.optional(text(500)),
  description: v.optional(text(10_000)),
  /** Checked by the mapping (one NIP normalisation for every source); an invalid one is noted, not refused. */
  nip: v.optional(text(40)),
};

/** created/updated need the whole event; a cancel needs only the id, but what it gives must be whole. */
function calendarEventData(complete: boolean) {
  return v.pipe(
    // Unknown keys are accepted and left out: senders add fields over time.
    v.object(CALENDAR_EVENT_DATA_ENTRIES),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const event = dataset.value;
      const reported = new Set<string>();
      const required = (key: keyof typeof event) => {
        if (reported.has(key)) return;
        reported.add(key);
        addIssue({ message: 'is required', received: 'undefined', path: pathAt(event, key) });
      };
      // A time range comes whole: start with end, start_date with end_date.
      for (const [a, b] of [['start', 'end'], ['start_date', 'end_date']] as const) {
        if (event[a] !== undefined && event[b] === undefined) required(b);
        if (event[b] !== undefined && event[a] === undefined) required(a);
      }
      if (complete) {
        if (event.title === undefined) required('title');
        for (const key of event.all_day !== true ? (['start', 'end'] as const) : (['start_date', 'end_date'] as const)) if (event[key] === undefined) required(key);
      }
      if (event.start && event.end && event.end < event.start) addIssue({ message: 'is before start', path: pathAt(event, 'end') });
      if (event.start_date && event.end_date && event.end_date < event.start_date) addIssue({ message: 'is before start_date', path: pathAt(event, 'end_date') });
    }),
  );
}

const envelope = <T extends StandardEventType, D extends v.GenericSchema>(type: T, data: D) =>
  v.looseObject({ type: v.literal(type), timestamp: v.optional(v.string()), data });

/** `null` means absent, at the top of the event and in `data`, for every event type. */
export function withoutNulls(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const kept = dropNulls(body);
  return isRecord(kept.data) ? { ...kept, data: dropNulls(kept.data) } : kept;
}

function dropNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const LeadCreatedSchema = envelope('lead.created', LeadDataSchema);
export const CalendarEventCreatedSchema = envelope('calendar_event.created', calendarEventData(true));
export const CalendarEventUpdatedSchema = envelope('calendar_event.updated', calendarEventData(true));
export const CalendarEventCancelledSchema = envelope('calendar_event.cancelled', calendarEventData(false));

export type LeadData = v.InferOutput<typeof LeadDataSchema>;
export type CalendarEventData = v.InferOutput<ReturnType<typeof calendarEventData>>;

function pathAt(input: Record<string, unknown>, key: string): [v.ObjectPathItem] {
  return [{ type: 'object', origin: 'value', input, key, value: input[key] }];
}
