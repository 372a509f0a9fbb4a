import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTimeZone, toWallClock, wallClockByIntl } from '../../lib/time/wall-clock.ts';

const ZONES = Intl.supportedValuesOf('timeZone');
const HOUR = 3_600_000;

describe('toWallClock', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads every zone the runtime lists as Intl does, at any instant from 1973 to 2100', () => {
    fc.assert(fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1973, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ms) => {
      const instant = new Date(ms);
      expect(toWallClock(instant, zone)).toEqual(wallClockByIntl(instant, zone));
    }), { numRuns: 3000 });
  });

  it('follows Warsaw through every hour of 2026 and each minute around its two DST changes', () => {
    const instants: number[] = [];
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += HOUR) instants.push(ms);
    for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)]) {
      for (let ms = change - HOUR; ms <= change + HOUR; ms += 60_000) instants.push(ms, ms + 59_999);
    }
    const differing = instants.filter((ms) => JSON.stringify(toWallClock(new Date(ms), 'Europe/Warsaw')) !== JSON.stringify(wallClockByIntl(new Date(ms), 'Europe/Warsaw')));
    expect(differing).toEqual([]);
    expect(toWallClock(new Date('2026-03-29T00:59:59Z'), 'Europe/Warsaw')).toEqual({ date: '2026-03-29', time: '01:59' });
    expect(toWallClock(new Date('2026-03-29T01:00:00Z'), 'Europe/Warsaw')).toEqual({ date: '2026-03-29', time: '03:00' });
    expect(toWallClock(new Date('2026-12-31T23:30:00Z'), 'Europe/Warsaw')).toEqual({ date: '2027-01-01', time: '00:30' });
  });

  it.each(['UTC', 'Etc/UTC', 'GMT', 'europe/warsaw', 'Asia/Kolkata', 'US/Pacific', 'Etc/GMT+5', 'Etc/GMT-14', 'EST5EDT', 'Asia/Kathmandu', 'America/St_Johns'])(
    'reads %s, which is an alias, another spelling or a zone with digits, as Intl does',
    (zone) => {
      expect(isTimeZone(zone)).toBe(true);
      for (const ms of [Date.UTC(2026, 0, 15, 23, 45), Date.UTC(2026, 6, 15, 12, 5), Date.UTC(2026, 10, 1, 4, 59, 59)]) {
        expect(toWallClock(new Date(ms), zone)).toEqual(wallClockByIntl(new Date(ms), zone));
      }
    },
  );

  it('reads instants before 1973 (offsets in seconds) and after year 9999 as Intl does', () => {
    for (const [iso, zone] of [['1900-01-01T00:00:00Z', 'Africa/Monrovia'], ['1960-06-01T12:00:00Z', 'Europe/Warsaw'], ['1972-01-01T00:00:00Z', 'Africa/Monrovia'], ['+010000-01-01T00:00:00Z', 'Europe/Warsaw']] as const) {
      expect(toWallClock(new Date(iso), zone)).toEqual(wallClockByIntl(new Date(iso), zone));
    }
  });

  it('refuses a zone the runtime does not know, as Intl does', () => {
    for (const zone of ['Mars/Olympus_Mons', '', ':UTC', 'Europe/Warsaw ']) {
      expect(isTimeZone(zone)).toBe(false);
      expect(() => toWallClock(new Date(), zone)).toThrow(RangeError);
    }
    expect(() => toWallClock(new Date(Number.NaN), 'Europe/Warsaw')).toThrow(RangeError);
  });

  it.each([['unset', undefined], ['New York', 'America/New_York'], ["Lambda's :UTC", ':UTC']])('leaves the process\'s own zone as it was (TZ %s)', (_label, tz) => {
    if (tz === undefined) vi.stubEnv('TZ', undefined);
    else vi.stubEnv('TZ', tz);
    const before = new Date(Date.UTC(2026, 6, 1, 12)).getHours();
    expect(toWallClock(new Date(Date.UTC(2026, 6, 1, 12, 1)), 'Asia/Tokyo')).toEqual({ date: '2026-07-01', time: '21:01' });
    expect(process.env.TZ).toBe(tz);
    expect(Object.hasOwn(process.env, 'TZ')).toBe(tz !== undefined);
    expect(new Date(Date.UTC(2026, 6, 1, 12)).getHours()).toBe(before);
  });

  it('reads a listed zone without constructing Intl.DateTimeFormat, whose first use costs a fresh process 15–19 ms', async () => {
    vi.resetModules();
    const original = Intl.DateTimeFormat;
    let constructed = 0;
    Intl.DateTimeFormat = new Proxy(original, { construct: (target, args) => { constructed++; return Reflect.construct(target, args) as object; } });
    try {
      const fresh = await import('../../lib/time/wall-clock.ts');
      expect(fresh.isTimeZone('Europe/Warsaw')).toBe(true);
      expect(fresh.toWallClock(new Date('2026-07-01T10:00:00Z'), 'Europe/Warsaw')).toEqual({ date: '2026-07-01', time: '12:00' });
      expect(constructed).toBe(0);
      fresh.toWallClock(new Date('2026-07-01T10:00:00Z'), 'UTC');
      expect(constructed).toBe(1);
    } finally {
      Intl.DateTimeFormat = original;
    }
  });

  it('reads the zone right in a worker thread with its own copy of the environment, as serverless offline runs handlers', async () => {
    const module = new URL('../../lib/time/wall-clock.ts', import.meta.url).href;
    const worker = new Worker(
      `import(${JSON.stringify(module)}).then((clock) => require('node:worker_threads').parentPort.postMessage(clock.toWallClock(new Date('2026-07-01T10:00:00Z'), 'Europe/Warsaw')))`,
      { eval: true, env: { ...process.env, TZ: 'UTC' } },
    );
    const [answer] = await once(worker, 'message');
    await worker.terminate();
    expect(answer).toEqual({ date: '2026-07-01', time: '12:00' });
  });
});
