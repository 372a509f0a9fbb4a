import type { SaveFields } from '../../csmart/modules.ts';
import { toWallClock } from '../../time/wall-clock.ts';

type TimeFields = Pick<SaveFields<'Events'>, 'date_start' | 'time_start' | 'date_end' | 'time_end' | 'allDay'>;

/**
 * A timed event as CSMART's local date and time in the CRM zone. Each instant is converted on its
 * own by the zone rules, so DST changes and midnight fall where they really are.
 */
export function timedEventFields(start: Date, end: Date, timeZone: string): TimeFields {
  const from = toWallClock(start, timeZone);
  const to = toWallClock(end, timeZone);
  // allDay is sent as 0 too, so an update can turn an all-day task back into a timed one.
  return { date_start: from.date, time_start: from.time, date_end: to.date, time_end: to.time, allDay: '0' };
}

/** An all-day event over inclusive calendar dates: no times, no zone involved. */
export function allDayEventFields(startDate: string, endDate: string): TimeFields {
  return { date_start: startDate, date_end: endDate, allDay: '1' };
}
