/** A local date and time as CSMART wants them: `YYYY-MM-DD` and `HH:MM`, in the CRM's time zone. */
export type WallClock = { date: string; time: string };

/**
 * How a zone's offset is read. `Intl.DateTimeFormat` is exact, but its first construction in a process costs
 * 15–19 ms of CPU and 8 MB (the date formatting machinery, whatever the zone): most of a lead's cold start above
 * its two AWS calls (bench/leads). V8's `Date` reads the same ICU zone rules for the process's own zone, and Node
 * resets V8's zone cache when `process.env.TZ` is assigned (documented for zone IDs such as Europe/Warsaw): so
 * the offset is read with TZ set to the zone and TZ put back at once, in one synchronous step where no other code
 * runs — about 0.3 ms the first time and 40 µs after. ICU reads TZ only as a plain zone ID (no digits, no comma:
 * "Etc/GMT+5" is taken for a POSIX rule), so such a zone is read through Intl, as is every zone where assigning TZ
 * does not reach ICU.
 */
type Zone = { id: string; viaTz: boolean };
const PLAIN_ZONE_ID = /^[A-Za-z_/-]+$/;
const zones = new Map<string, Zone>();
let canonicalZones: Set<string> | undefined;

/** The zone a name stands for; throws a RangeError, as Intl does, for a name the runtime does not know. */
function zoneOf(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (!zone) {
    // The runtime lists its canonical zones in about 2 ms; any other name (an alias, "UTC", another case) is resolved by Intl, once.
    canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
    const id = canonicalZones.has(timeZone) ? timeZone : formatterFor(timeZone).resolvedOptions().timeZone;
    zone = { id, viaTz: PLAIN_ZONE_ID.test(id) && tzAssignmentWorks() };
    zones.set(timeZone, zone);
  }
  return zone;
}

/**
 * Whether assigning TZ moves the zone `Date` reads. Not in a worker thread that has its own copy of the environment
 * (serverless offline runs handlers so): ICU reads the process's real one. Two zones of fixed offset tell.
 */
let tzMovesDate: boolean | undefined;
function tzAssignmentWorks(): boolean {
  if (tzMovesDate === undefined) {
    const probe = new Date(Date.UTC(2026, 0, 1));
    tzMovesDate = offsetMinutes(probe, 'Pacific/Kiritimati') === 14 * 60 && offsetMinutes(probe, 'Pacific/Pago_Pago') === -11 * 60;
  }
  return tzMovesDate;
}

/** Minutes to add to UTC for the zone's wall clock at the instant (Warsaw: 60 in winter, 120 in summer). */
function offsetMinutes(instant: Date, zoneId: string): number {
  const saved = process.env.TZ;
  process.env.TZ = zoneId;
  try {
    return -instant.getTimezoneOffset();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

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

/** The wall clock of a zone through Intl: for zones TZ cannot name, and as the reference the tests compare with. */
export function wallClockByIntl(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

// The same minute is asked for several times per request.
const recent = new Map<string, WallClock>();
const SINCE_WHOLE_MINUTES = Date.UTC(1973, 0, 1);
/** `YYYY-MM-DDTHH:mm:ss.sssZ` */
const ISO_LENGTH = 24;

/** Converts an instant to the wall-clock date and time of an IANA zone (DST handled by the zone rules). */
export function toWallClock(instant: Date, timeZone: string): WallClock {
  const key = `${timeZone} ${Math.floor(instant.getTime() / 60_000)}`;
  const hit = recent.get(key);
  if (hit) return { ...hit };
  const zone = zoneOf(timeZone);
  // The instant's minute moved by the offset and read in UTC. Before 1973 some zones were seconds off UTC
  // (Monrovia until 1972-01-07), and past year 9999 the ISO form changes: Intl reads those.
  const local = zone.viaTz && instant.getTime() >= SINCE_WHOLE_MINUTES
    ? new Date(Math.floor(instant.getTime() / 60_000) * 60_000 + offsetMinutes(instant, zone.id) * 60_000).toISOString() : '';
  const value = local.length === ISO_LENGTH ? { date: local.slice(0, 10), time: local.slice(11, 16) } : wallClockByIntl(instant, zone.id);
  if (recent.size >= 256) recent.clear();
  recent.set(key, value);
  return { ...value };
}

/** Whether a string names a time zone this runtime knows. */
export function isTimeZone(value: string): boolean {
  try {
    zoneOf(value);
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
