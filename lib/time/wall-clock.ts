/** A local date and time as CSMART wants them: `YYYY-MM-DD` and `HH:MM`, in the CRM's time zone. */
export type WallClock = { date: string; time: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // hourCycle h23: with hour12:false some engines print 24:00 at midnight.
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// formatToParts is the slow part of a lead's mapping; the same minute is asked for several times per request.
const recent = new Map<string, WallClock>();

/** Converts an instant to the wall-clock date and time of an IANA zone (DST handled by the zone rules). */
export function toWallClock(instant: Date, timeZone: string): WallClock {
  const key = `${timeZone} ${Math.floor(instant.getTime() / 60_000)}`;
  const hit = recent.get(key);
  if (hit) return { ...hit };
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const value = { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
  if (recent.size >= 256) recent.clear();
  recent.set(key, value);
  return { ...value };
}

/** Whether a string names a time zone this runtime knows. */
export function isTimeZone(value: string): boolean {
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

/** Adds whole days to a `YYYY-MM-DD` date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Day of the week of a `YYYY-MM-DD` date, 0 = Sunday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
