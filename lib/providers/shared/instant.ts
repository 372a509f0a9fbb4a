import * as v from 'valibot';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  // Date.parse rolls 2026-02-30 over to March; a real calendar check catches it.
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether a string is an RFC 3339 date-time with seconds and an offset (`Z` or `±hh:mm`). */
export function isInstant(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, , , oh, om] = m;
  return isCalendarDate(Number(y), Number(mo), Number(d)) && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60
    && (oh === undefined || (Number(oh) < 24 && Number(om) < 60));
}

/** Whether a string is a calendar date `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** An RFC 3339 instant with an offset, parsed to a `Date`. A local time without offset is rejected: it names no instant. */
export const InstantSchema = v.pipe(
  v.string(),
  v.check(isInstant, 'expected an RFC 3339 date-time with seconds and an offset, e.g. 2026-03-29T10:00:00+02:00'),
  v.transform((value) => new Date(`${value.slice(0, 10)}T${value.slice(11).toUpperCase()}`)),
);

export const DateSchema = v.pipe(v.string(), v.check(isDate, 'expected a date YYYY-MM-DD'));
