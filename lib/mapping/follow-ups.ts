import type { SaveFields } from '../csmart/modules.ts';
import type { RecordStep } from '../intake/job.ts';
import { addDays, toWallClock } from '../time/wall-clock.ts';
import { nextBusinessDay } from './business-days.ts';
import type { OpportunityFollowUp, TaskFollowUp } from './form-settings.ts';
import { fillTemplate } from './template.ts';

export type FollowUpContext = {
  submissionId: string;
  /**
   * What the follow-ups are linked under: the submission's dedupe key, so the same submission sent again
   * (a resend after the queue's five-minute window, while the first is still retried) edits the same records.
   */
  linkKey: string;
  /** Template values: lead fields, `name` (the client's name), `person`, `form`. */
  values: ReadonlyMap<string, string>;
  description: string;
  now: Date;
  timeZone: string;
};

/** A sales opportunity for the lead's client; the worker fills in account_id/account_name. */
export function opportunityStep(settings: OpportunityFollowUp, context: FollowUpContext): RecordStep {
  const { name, closeInDays, ...rest } = settings;
  const fields: SaveFields<'Opportunities'> = { name: fillTemplate(name, context.values) };
  for (const [field, value] of Object.entries(rest) as Array<[keyof typeof rest, string | undefined]>) {
    const filled = value === undefined ? '' : fillTemplate(value, context.values);
    if (filled) fields[field] = filled;
  }
  if (closeInDays !== undefined) fields.final_date = addDays(toWallClock(context.now, context.timeZone).date, closeInDays);
  fields.description = context.description;
  return {
    kind: 'record',
    module: 'Opportunities',
    fields,
    link: { source: 'leads', externalId: `${context.linkKey}:opportunity` },
    withAccount: true,
  };
}

/**
 * A task to contact the lead, on the next business day (weekends and, by default, Polish public holidays
 * skipped) at the configured time, CRM wall clock. The worker fills in the client's NIP when it has one.
 */
export function taskStep(settings: TaskFollowUp, context: FollowUpContext): RecordStep {
  const date = nextBusinessDay(toWallClock(context.now, context.timeZone).date, settings.holidays);
  const fields: SaveFields<'Events'> = {
    // CSMART requires a subject; a template that fills to nothing still gives one.
    name: fillTemplate(settings.name, context.values) || 'Website enquiry',
    date_start: date,
    time_start: settings.time,
    date_end: date,
    time_end: plusMinutes(settings.time, settings.durationMinutes),
    description: context.description,
  };
  const type = settings.type === undefined ? '' : fillTemplate(settings.type, context.values);
  const status = settings.status === undefined ? '' : fillTemplate(settings.status, context.values);
  if (type) fields.type = type;
  if (status) fields.status = status;
  return {
    kind: 'record',
    module: 'Events',
    fields,
    link: { source: 'leads', externalId: `${context.linkKey}:task` },
    withAccount: true,
  };
}

/** `09:00` + 30 → `09:30`; settings validation keeps the sum within the day. */
function plusMinutes(time: string, minutes: number): string {
  const total = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
