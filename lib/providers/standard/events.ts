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

/** Ten digits, optionally `PL`-prefixed and grouped with dashes as Polish documents print them; the checksum is checked in code. */
export const NIP_PATTERN = /^(PL)?([0-9]{3}-?[0-9]{3}-?[0-9]{2}-?[0-9]{2}|[0-9]{3}-?[0-9]{2}-?[0-9]{2}-?[0-9]{3})$/;
export const EXTRA_LEAD_KEY = /^(consent|utm)_[a-z0-9_]{1,64}$/;

export const LEAD_DATA_ENTRIES = {
  company: v.optional(text(200)),
  first_name: v.optional(text(100)),
  last_name: v.optional(text(100)),
  email: v.optional(v.pipe(v.string(), v.maxLength(254), v.email())),
  phone: v.optional(text(40)),
  nip: v.optional(v.pipe(v.string(), v.regex(NIP_PATTERN))),
  address: v.optional(text(300)),
  postal_code: v.optional(text(20)),
  city: v.optional(text(100)),
  country: v.optional(text(100)),
  message: v.optional(text(10_000)),
  page_url: v.optional(text(2000)),
  referrer: v.optional(text(2000)),
};
const LEAD_CONTACT_KEYS = ['company', 'first_name', 'last_name', 'email', 'phone', 'nip'] as const;
/** Longest consent_* or utm_* value. */
export const EXTRA_VALUE_MAX = 500;

const LeadDataSchema = v.pipe(
  v.objectWithRest(LEAD_DATA_ENTRIES, v.unknown()),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const data = dataset.value as Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      if (Object.hasOwn(LEAD_DATA_ENTRIES, key)) continue;
      const at = pathAt(data, key);
      if (!EXTRA_LEAD_KEY.test(key)) addIssue({ message: 'is not an accepted field (extra fields must be consent_* or utm_*)', path: at });
      else if (key.startsWith('utm_') ? typeof value !== 'string' : typeof value !== 'string' && typeof value !== 'boolean') {
        addIssue({ message: key.startsWith('utm_') ? 'must be text' : 'must be true, false or text', path: at });
      } else if (typeof value === 'string' && value.length > EXTRA_VALUE_MAX) addIssue({ message: `must be at most ${EXTRA_VALUE_MAX} characters`, path: at });
    }
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
  nip: v.optional(v.pipe(v.string(), v.regex(NIP_PATTERN))),
};

/** created/updated need the whole event; a cancel needs only the id, but what it gives must be whole. */
function calendarEventData(complete: boolean) {
  return v.pipe(
    v.strictObject(CALENDAR_EVENT_DATA_ENTRIES),
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

export const LeadCreatedSchema = envelope('lead.created', LeadDataSchema);
export const CalendarEventCreatedSchema = envelope('calendar_event.created', calendarEventData(true));
export const CalendarEventUpdatedSchema = envelope('calendar_event.updated', calendarEventData(true));
export const CalendarEventCancelledSchema = envelope('calendar_event.cancelled', calendarEventData(false));

export type LeadData = v.InferOutput<typeof LeadDataSchema>;
export type CalendarEventData = v.InferOutput<ReturnType<typeof calendarEventData>>;

function pathAt(input: Record<string, unknown>, key: string): [v.ObjectPathItem] {
  return [{ type: 'object', origin: 'value', input, key, value: input[key] }];
}
