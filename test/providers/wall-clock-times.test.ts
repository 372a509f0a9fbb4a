import { describe, expect, it } from 'vitest';
import { providerFor } from '../../lib/providers/index.ts';
import type { ProviderResult } from '../../lib/providers/index.ts';
import { eventJson } from './support/fixtures.ts';
import { NOW_SECONDS, contextFor, planOf, request } from './support/context.ts';
import { calcomSignature, calendlySignature, standardHeaders } from './support/signing.ts';

/*
 * Task times are CSMART wall-clock values in the CRM zone. In 2026 Warsaw springs forward at
 * 2026-03-29 01:00Z (02:00 CET → 03:00 CEST) and falls back at 2026-10-25 01:00Z (03:00 CEST → 02:00 CET).
 */

const SECRET = 'dst-test-key';
const WHSEC = `whsec_${Buffer.from('dst-test-key-for-standard-hooks').toString('base64')}`;

function fieldsOf(result: ProviderResult): Record<string, string | undefined> {
  return planOf(result).steps[0]!.fields;
}

function calendlyTimes(start: string, end: string, timeZone = 'Europe/Warsaw') {
  const event = eventJson('calendly', 'invitee-created');
  event.payload.scheduled_event.start_time = start;
  event.payload.scheduled_event.end_time = end;
  const body = Buffer.from(JSON.stringify(event));
  const headers = { 'calendly-webhook-signature': calendlySignature(body, SECRET, NOW_SECONDS) };
  const { date_start, time_start, date_end, time_end, allDay } = fieldsOf(providerFor('calendly').handle(request('calendly', body, headers), contextFor('calendly', [SECRET], { timeZone })));
  return { date_start, time_start, date_end, time_end, allDay };
}

function calcomTimes(start: string, end: string) {
  const event = eventJson('calcom', 'booking-created');
  event.payload.startTime = start;
  event.payload.endTime = end;
  const body = Buffer.from(JSON.stringify(event));
  const { date_start, time_start, date_end, time_end } = fieldsOf(providerFor('calcom').handle(request('calcom', body, { 'x-cal-signature-256': calcomSignature(body, SECRET) }), contextFor('calcom', [SECRET])));
  return { date_start, time_start, date_end, time_end };
}

function standardFields(data: Record<string, unknown>) {
  const body = Buffer.from(JSON.stringify({ type: 'calendar_event.created', data: { id: 'evt_dst', title: 'Spotkanie', ...data } }));
  const headers = standardHeaders(body, WHSEC, 'msg_dst', NOW_SECONDS);
  const { date_start, time_start, date_end, time_end, allDay } = fieldsOf(providerFor('dst-partner').handle(request('dst-partner', body, headers), contextFor('dst-partner', [WHSEC])));
  return { date_start, time_start, date_end, time_end, allDay };
}

describe('wall-clock times of tasks', () => {
  it('writes a winter booking at UTC+1 and a summer booking at UTC+2', () => {
    expect(calendlyTimes('2026-03-13T09:00:00.000000Z', '2026-03-13T09:30:00.000000Z'))
      .toEqual({ date_start: '2026-03-13', time_start: '10:00', date_end: '2026-03-13', time_end: '10:30', allDay: '0' });
    expect(calendlyTimes('2026-07-01T08:00:00.000000Z', '2026-07-01T09:00:00.000000Z'))
      .toEqual({ date_start: '2026-07-01', time_start: '10:00', date_end: '2026-07-01', time_end: '11:00', allDay: '0' });
  });

  it('spans the spring-forward gap: 00:30Z–01:30Z on 2026-03-29 is 01:30–03:30 local', () => {
    expect(calendlyTimes('2026-03-29T00:30:00.000000Z', '2026-03-29T01:30:00.000000Z'))
      .toEqual({ date_start: '2026-03-29', time_start: '01:30', date_end: '2026-03-29', time_end: '03:30', allDay: '0' });
  });

  it('starts a booking at the moment of the jump at 03:00, never at the missing 02:00', () => {
    expect(calcomTimes('2026-03-29T01:00:00Z', '2026-03-29T01:30:00Z'))
      .toEqual({ date_start: '2026-03-29', time_start: '03:00', date_end: '2026-03-29', time_end: '03:30' });
  });

  it('writes a sender\'s local time inside the gap (02:30+01:00, which Warsaw skips) as the real instant, 03:30', () => {
    expect(standardFields({ start: '2026-03-29T02:30:00+01:00', end: '2026-03-29T04:00:00+02:00' }))
      .toEqual({ date_start: '2026-03-29', time_start: '03:30', date_end: '2026-03-29', time_end: '04:00', allDay: '0' });
  });

  it('writes the repeated autumn hour as the clock shows it: 00:00Z–01:00Z on 2026-10-25 is 02:00–02:00', () => {
    expect(calendlyTimes('2026-10-25T00:00:00.000000Z', '2026-10-25T01:00:00.000000Z'))
      .toEqual({ date_start: '2026-10-25', time_start: '02:00', date_end: '2026-10-25', time_end: '02:00', allDay: '0' });
    expect(calcomTimes('2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z'))
      .toEqual({ date_start: '2026-10-25', time_start: '02:30', date_end: '2026-10-25', time_end: '02:30' });
  });

  it('tells the two 02:30s of the autumn night apart only by their offsets, and writes both as 02:30', () => {
    expect(standardFields({ start: '2026-10-25T02:30:00+02:00', end: '2026-10-25T02:30:00+01:00' }))
      .toEqual({ date_start: '2026-10-25', time_start: '02:30', date_end: '2026-10-25', time_end: '02:30', allDay: '0' });
  });

  it('crosses midnight onto the next date, and writes midnight as 00:00, never 24:00', () => {
    expect(calendlyTimes('2026-03-13T22:30:00.000000Z', '2026-03-13T23:30:00.000000Z'))
      .toEqual({ date_start: '2026-03-13', time_start: '23:30', date_end: '2026-03-14', time_end: '00:30', allDay: '0' });
    expect(calcomTimes('2026-06-30T21:00:00Z', '2026-06-30T22:00:00Z'))
      .toEqual({ date_start: '2026-06-30', time_start: '23:00', date_end: '2026-07-01', time_end: '00:00' });
  });

  it('puts a booking made at 23:30Z on the next day in Warsaw', () => {
    expect(calcomTimes('2026-12-31T23:30:00Z', '2027-01-01T00:30:00Z'))
      .toEqual({ date_start: '2027-01-01', time_start: '00:30', date_end: '2027-01-01', time_end: '01:30' });
  });

  it('uses the configured CRM zone, not a fixed offset', () => {
    expect(calendlyTimes('2026-03-13T09:00:00.000000Z', '2026-03-13T09:30:00.000000Z', 'America/New_York'))
      .toEqual({ date_start: '2026-03-13', time_start: '05:00', date_end: '2026-03-13', time_end: '05:30', allDay: '0' });
  });

  it('keeps the inclusive dates of an all-day multi-day event across the DST change, with no times', () => {
    expect(standardFields({ all_day: true, start_date: '2026-03-28', end_date: '2026-03-30' }))
      .toEqual({ date_start: '2026-03-28', time_start: undefined, date_end: '2026-03-30', time_end: undefined, allDay: '1' });
  });

  it('keeps a one-day all-day event on its single date', () => {
    expect(standardFields({ all_day: true, start_date: '2026-10-25', end_date: '2026-10-25' }))
      .toEqual({ date_start: '2026-10-25', time_start: undefined, date_end: '2026-10-25', time_end: undefined, allDay: '1' });
  });
});
