import { describe, expect, it } from 'vitest';
import { easterSunday, isBusinessDay, nextBusinessDay, polishHolidays } from '../../lib/mapping/business-days.ts';
import { planFor, recordOf } from './lead.ts';

const TASK = { followUps: { task: {} } };
const taskAt = (now: string, settings: unknown = TASK) => recordOf(planFor({ email: 'a@b.pl' }, settings, { now: new Date(now) }), 'Events')?.fields;

describe('follow-up task date', () => {
  it('is the next business day at 09:00 for a submission on a Wednesday', () => {
    expect(taskAt('2026-03-11T10:00:00Z')).toMatchObject({ date_start: '2026-03-12', time_start: '09:00', date_end: '2026-03-12', time_end: '09:30' });
  });

  it('is Monday for a submission on Friday evening', () => {
    expect(taskAt('2026-03-13T19:00:00Z')).toMatchObject({ date_start: '2026-03-16', time_start: '09:00' });
  });

  it('counts the day in the CRM time zone: Thursday 23:30 UTC is already Friday in Warsaw', () => {
    expect(taskAt('2026-03-12T23:30:00Z')?.date_start).toBe('2026-03-16');
  });

  it('is Monday for a submission at the weekend', () => {
    expect([taskAt('2026-03-14T12:00:00Z')?.date_start, taskAt('2026-03-15T12:00:00Z')?.date_start]).toEqual(['2026-03-16', '2026-03-16']);
  });

  it('skips Easter Monday', () => {
    expect(taskAt('2026-04-03T12:00:00Z')?.date_start).toBe('2026-04-07');
  });

  it('skips the May holidays (1 May on a Friday, 3 May on a Sunday)', () => {
    expect(taskAt('2026-04-30T12:00:00Z')?.date_start).toBe('2026-05-04');
  });

  it('skips only weekends when the form turns holidays off', () => {
    expect(taskAt('2026-04-30T12:00:00Z', { followUps: { task: { holidays: 'none' } } })?.date_start).toBe('2026-05-01');
  });

  it('uses the form\'s time, duration, subject, type and status', () => {
    const fields = recordOf(planFor({ email: 'a@b.pl', company: 'ACME' }, { followUps: { task: { name: 'Oddzwonić: {name} ({form})', time: '14:20', durationMinutes: 45, type: 'telefon', status: 'nowe' } } }), 'Events')?.fields;

    expect(fields).toMatchObject({ name: 'Oddzwonić: ACME (contact)', time_start: '14:20', time_end: '15:05', type: 'telefon', status: 'nowe' });
  });

  it('asks the worker for the client and links the task to the submission, by its dedupe key so a resend edits the same task', () => {
    const plan = planFor({ email: 'a@b.pl' }, TASK);
    const task = recordOf(plan, 'Events');

    expect(task).toMatchObject({ withAccount: true, link: { source: 'leads', externalId: `${plan.dedupeKey}:task` } });
    expect(task?.fields.nip).toBeUndefined();
  });
});

describe('business days', () => {
  it.each([[2024, '2024-03-31'], [2025, '2025-04-20'], [2026, '2026-04-05'], [2027, '2027-03-28'], [2038, '2038-04-25']])('finds Easter %i on %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('knows the Polish public holidays of 2026, Corpus Christi and Christmas Eve included', () => {
    expect([...polishHolidays(2026)].sort()).toEqual([
      '2026-01-01', '2026-01-06', '2026-04-05', '2026-04-06', '2026-05-01', '2026-05-03', '2026-05-24', '2026-06-04',
      '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-24', '2026-12-25', '2026-12-26',
    ]);
  });

  it('treats Christmas Eve as a working day before 2025', () => {
    expect([isBusinessDay('2024-12-24', 'PL'), isBusinessDay('2025-12-24', 'PL')]).toEqual([true, false]);
  });

  it('jumps over Christmas and the new year', () => {
    expect(nextBusinessDay('2026-12-23', 'PL')).toBe('2026-12-28');
    expect(nextBusinessDay('2026-12-31', 'PL')).toBe('2027-01-04');
  });
});

describe('follow-up opportunity', () => {
  it('creates an opportunity for the client with the form\'s fields and a close date', () => {
    const opportunity = recordOf(planFor({ email: 'a@b.pl', company: 'ACME', utm_source: 'google' }, {
      followUps: { opportunity: { name: 'Lead {name}', status: 'Nowa', source: 'WWW / {utm_source}', process: 'Sprzedaż', total: 1500, closeInDays: 14 } },
    }), 'Opportunities');

    expect(opportunity).toMatchObject({
      module: 'Opportunities',
      withAccount: true,
      link: { source: 'leads', externalId: expect.stringMatching(/^lead:[0-9a-f]{64}:opportunity$/) },
      fields: { name: 'Lead ACME', status: 'Nowa', source: 'WWW / google', process: 'Sprzedaż', total: '1500', final_date: '2026-03-25' },
    });
    expect(opportunity?.fields.description).toContain('Company: ACME');
  });

  it('creates no follow-ups unless the form asks for them', () => {
    expect(planFor({ email: 'a@b.pl' }).steps.map((s) => s.kind)).toEqual(['account']);
  });
});
