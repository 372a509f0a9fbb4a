import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  CALENDAR_EVENT_DATA_ENTRIES, CalendarEventCancelledSchema, CalendarEventCreatedSchema, CalendarEventUpdatedSchema,
  LEAD_CONTACT_KEYS, LEAD_DATA_ENTRIES, LeadCreatedSchema, STANDARD_EVENT_TYPES, withoutNulls,
} from '../../lib/providers/standard/events.ts';
import { eventJson } from './support/fixtures.ts';

/*
 * The published JSON Schemas (schemas/webhook-events/) and the valibot schemas the code validates
 * with must state the same rules. These tests compare them field by field and rule by rule.
 */

type JsonSchema = Record<string, any>;
const published = (type: string): JsonSchema =>
  JSON.parse(readFileSync(new URL(`../../schemas/webhook-events/${type}.schema.json`, import.meta.url), 'utf8')) as JsonSchema;

type Case = { type: string; schema: v.GenericSchema; entries: Record<string, unknown>; fixture: Record<string, any> };
const CASES: Case[] = [
  { type: 'lead.created', schema: LeadCreatedSchema, entries: LEAD_DATA_ENTRIES, fixture: eventJson('standard', 'lead-created') },
  { type: 'calendar_event.created', schema: CalendarEventCreatedSchema, entries: CALENDAR_EVENT_DATA_ENTRIES, fixture: eventJson('standard', 'calendar-event-created') },
  { type: 'calendar_event.updated', schema: CalendarEventUpdatedSchema, entries: CALENDAR_EVENT_DATA_ENTRIES, fixture: { ...eventJson('standard', 'calendar-event-created'), type: 'calendar_event.updated' } },
  { type: 'calendar_event.cancelled', schema: CalendarEventCancelledSchema, entries: CALENDAR_EVENT_DATA_ENTRIES, fixture: eventJson('standard', 'calendar-event-cancelled') },
];

/** The max_length of a valibot entry (through optional and pipe), if it has one. */
function maxLengthOf(entry: unknown): number | undefined {
  let schema = entry as { type: string; wrapped?: unknown; pipe?: { type: string; requirement?: unknown }[] };
  if (schema.type === 'optional') schema = schema.wrapped as typeof schema;
  const action = schema.pipe?.find((item) => item.type === 'max_length');
  return action?.requirement as number | undefined;
}

function failingFields(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  return result.success ? [] : result.issues.map((issue) => v.getDotPath(issue) ?? '');
}

describe('published JSON Schemas of our Standard Webhooks events', () => {
  it('exist for every event type we handle', () => {
    expect(STANDARD_EVENT_TYPES.map((type) => published(type).properties.type.const)).toEqual([...STANDARD_EVENT_TYPES]);
  });

  it.each(CASES)('$type: list the same data fields, with the same maximum lengths, as the code', ({ type, entries }) => {
    const properties = published(type).properties.data.properties as Record<string, JsonSchema>;

    expect(Object.keys(properties).sort()).toEqual(Object.keys(entries).sort());
    for (const [name, entry] of Object.entries(entries)) expect({ name, max: properties[name]!.maxLength }).toEqual({ name, max: maxLengthOf(entry) });
  });

  it.each(CASES)('$type: the published example is valid in code, and each required field is required in code too', ({ type, schema, fixture }) => {
    const data = fixture.data as Record<string, unknown>;
    expect(failingFields(schema, fixture)).toEqual([]);

    for (const field of (published(type).properties.data.required ?? []) as string[]) {
      const { [field]: _dropped, ...rest } = data;
      expect(failingFields(schema, { ...fixture, data: rest })).toContain(`data.${field}`);
    }
  });

  it('refuse no NIP by its shape, in the schema as in code (the mapping checks it, tolerantly)', () => {
    for (const type of STANDARD_EVENT_TYPES) expect(published(type).properties.data.properties.nip.pattern).toBeUndefined();
    for (const { schema, fixture } of CASES) expect(failingFields(schema, { ...fixture, data: { ...fixture.data, nip: 'PL 525 224 84 82 (stary)' } })).toEqual([]);
  });

  it('need a way to reach the lead in code as the schema\'s anyOf does', () => {
    const branches = published('lead.created').properties.data.anyOf as { required: string[] }[];
    const contactKeys = branches.map((branch) => branch.required[0]!);
    expect(contactKeys).toEqual([...LEAD_CONTACT_KEYS]);

    expect(failingFields(LeadCreatedSchema, { type: 'lead.created', data: { message: 'x' } })).toEqual(['data']);
    for (const key of contactKeys) {
      const value = key === 'email' ? 'a@b.pl' : key === 'nip' ? '5252248481' : 'x';
      expect({ key, fails: failingFields(LeadCreatedSchema, { type: 'lead.created', data: { [key]: value } }) }).toEqual({ key, fails: [] });
      expect({ key, fails: failingFields(LeadCreatedSchema, { type: 'lead.created', data: { [key]: ' ' } }).length > 0 }).toEqual({ key, fails: true });
    }
  });

  it.each(CASES)('$type: accept unknown keys in data, in code as additionalProperties says', ({ type, schema, fixture }) => {
    expect(published(type).properties.data.additionalProperties).toBe(true);
    expect(failingFields(schema, { ...fixture, data: { ...fixture.data, added_by_the_sender_later: { any: 'shape' } } })).toEqual([]);
  });

  it.each(CASES)('$type: read null exactly as an absent key, in code as the schema\'s nullable types say', ({ type, schema, fixture }) => {
    const rules = published(type).properties.data as JsonSchema;
    const required = (rules.required ?? []) as string[];
    for (const [key, rule] of Object.entries(rules.properties as Record<string, JsonSchema>)) {
      expect({ key, nullable: ([rule.type].flat() as string[]).includes('null') }).toEqual({ key, nullable: !required.includes(key) });
      const { [key]: _dropped, ...absent } = fixture.data as Record<string, unknown>;
      const withNull = withoutNulls({ ...fixture, timestamp: null, data: { ...fixture.data, [key]: null } });
      expect({ key, fails: failingFields(schema, withNull) }).toEqual({ key, fails: failingFields(schema, { ...fixture, data: absent }) });
    }
  });

  it('require whole time ranges in code as dependentRequired does in the schema', () => {
    const dependent = published('calendar_event.cancelled').properties.data.dependentRequired as Record<string, string[]>;
    const values: Record<string, string> = { start: '2026-03-18T10:00:00+01:00', end: '2026-03-18T11:00:00+01:00', start_date: '2026-03-18', end_date: '2026-03-18' };

    for (const [given, needed] of Object.entries(dependent)) {
      const fixture = { type: 'calendar_event.cancelled', data: { id: 'evt_1', [given]: values[given] } };
      expect(failingFields(CalendarEventCancelledSchema, fixture)).toEqual(needed.map((n) => `data.${n}`));
    }
  });

  it('require start_date and end_date instead of start and end for all-day events, in code as in the schema', () => {
    const rule = published('calendar_event.created').properties.data;
    expect([rule.if, rule.then.required, rule.else.required]).toEqual([{ properties: { all_day: { const: true } }, required: ['all_day'] }, ['start_date', 'end_date'], ['start', 'end']]);

    const allDay = { type: 'calendar_event.created', data: { id: 'e', title: 't', all_day: true } };
    expect(failingFields(CalendarEventCreatedSchema, allDay)).toEqual(['data.start_date', 'data.end_date']);
    expect(failingFields(CalendarEventCreatedSchema, { ...allDay, data: { id: 'e', title: 't' } })).toEqual(['data.start', 'data.end']);
  });
});
