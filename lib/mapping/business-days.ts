import { addDays, weekday } from '../time/wall-clock.ts';

/** Which public holidays count as days off besides weekends. */
export const HOLIDAY_CALENDARS = ['PL', 'none'] as const;
export type HolidayCalendar = (typeof HOLIDAY_CALENDARS)[number];

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher), as `YYYY-MM-DD`. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const holidayCache = new Map<number, Set<string>>();

/** Polish statutory days off (ustawa o dniach wolnych od pracy), for one year, as `YYYY-MM-DD`. */
export function polishHolidays(year: number): Set<string> {
  let days = holidayCache.get(year);
  if (days) return days;
  const y = String(year).padStart(4, '0');
  const fixed = ['01-01', '01-06', '05-01', '05-03', '08-15', '11-01', '11-11', '12-25', '12-26'];
  // Christmas Eve is a day off from 2025 on (the 2024 amendment of the act).
  if (year >= 2025) fixed.push('12-24');
  const easter = easterSunday(year);
  days = new Set([
    ...fixed.map((md) => `${y}-${md}`),
    easter,
    addDays(easter, 1), // Easter Monday
    addDays(easter, 49), // Pentecost (a Sunday)
    addDays(easter, 60), // Corpus Christi (a Thursday)
  ]);
  holidayCache.set(year, days);
  return days;
}

/** Whether a `YYYY-MM-DD` date is a working day: Monday to Friday and, with the PL calendar, no public holiday. */
export function isBusinessDay(date: string, holidays: HolidayCalendar): boolean {
  const day = weekday(date);
  if (day === 0 || day === 6) return false;
  return holidays === 'none' || !polishHolidays(Number(date.slice(0, 4))).has(date);
}

/** The first business day after `date` (never `date` itself). */
export function nextBusinessDay(date: string, holidays: HolidayCalendar): string {
  let next = addDays(date, 1);
  while (!isBusinessDay(next, holidays)) next = addDays(next, 1);
  return next;
}
