import type { Step, WorkPlan } from '../intake/job.ts';
import type { BodyFields } from './body-fields.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { accountFieldsOf, accountNameOf } from './account-fields.ts';
import { cleanText, collectFields } from './collect-fields.ts';
import { describeLead } from './description.ts';
import { opportunityStep, taskStep } from './follow-ups.ts';
import type { FollowUpContext } from './follow-ups.ts';
import type { FormSettings } from './form-settings.ts';
import { leadDedupeKey, leadGroupKey } from './lead-keys.ts';
import { applyPreset, PRESET_SENDERS } from './presets.ts';
import { validateLead } from './validate-lead.ts';
import type { Lead } from './validate-lead.ts';

export type MapLeadInput = {
  form: string;
  fields: BodyFields;
  settings: FormSettings;
  now: Date;
  /** The CRM's IANA time zone (CSMART_TIME_ZONE). */
  timeZone: string;
  submissionId: string;
  /** The request's Idempotency-Key header, if any; otherwise the form's `_submission_id`/`_idempotency_key` is used. */
  idempotencyKey?: string;
};

/** Form fields a client may send to make a resend recognisable as the same submission. */
export const CLIENT_KEY_FIELDS = ['_submission_id', '_idempotency_key'] as const;

/**
 * Turns a lead form submission into CSMART work: find or create the client (NIP, then e-mail), then the
 * optional opportunity and follow-up task the form's settings ask for. Pure; throws `InputValidationError` (422)
 * naming every field at fault — for a builder that cannot show the visitor an error, only the fields
 * the lead cannot do without (an invalid value is otherwise left out and noted in the description).
 */
export function mapLead(input: MapLeadInput): { plan: WorkPlan } {
  const { form, settings, now, timeZone, submissionId } = input;
  // A WordPress builder's webhook shape (nested fields, labels, entry metadata) becomes plain fields first.
  const fields = settings.preset ? applyPreset(settings.preset, input.fields, settings) : input.fields;
  // A builder that cannot show the visitor a refusal would lose the lead on a 422: read it tolerantly.
  const tolerant = settings.preset !== undefined && !PRESET_SENDERS[settings.preset].showsErrors;
  const lead = validateLead(collectFields(fields, settings), settings, { tolerant });
  const description = describeLead(lead, { form, submissionId, now, recordConsentsNotGiven: settings.recordConsentsNotGiven });

  const steps: Step[] = [{
    kind: 'account',
    fields: accountFieldsOf(lead, settings, description),
    match: {
      ...(lead.fields.nip ? { nip: lead.fields.nip } : {}),
      ...(lead.fields.email ? { email: lead.fields.email } : {}),
    },
    onMatch: settings.matchPolicy,
    ...linkOf(lead),
  }];

  const dedupeKey = leadDedupeKey({ form, lead, clientKey: clientKeyOf(input), day: toWallClock(now, timeZone).date });
  const context: FollowUpContext = { submissionId, linkKey: dedupeKey, values: templateValues(lead, form), description, now, timeZone };
  if (settings.followUps.opportunity) steps.push(opportunityStep(settings.followUps.opportunity, context));
  if (settings.followUps.task) steps.push(taskStep(settings.followUps.task, context));

  return {
    plan: {
      kind: 'lead',
      groupKey: leadGroupKey(lead, submissionId),
      dedupeKey,
      steps,
    },
  };
}

/** The client's identity in the link table: e-mail, else NIP, else phone (a phone-only lead is found again by it). */
function linkOf(lead: Lead): { link?: { source: string; externalId: string } } {
  const id = lead.fields.email ?? lead.fields.nip ?? lead.fields.phone;
  return id ? { link: { source: 'leads', externalId: id } } : {};
}

function templateValues(lead: Lead, form: string): Map<string, string> {
  const values = new Map<string, string>(Object.entries(lead.fields));
  for (const [name, value] of lead.utm) values.set(name, value);
  for (const consent of lead.consents) values.set(`consent_${consent.name}`, consent.given ? 'yes' : 'no');
  values.set('name', accountNameOf(lead));
  values.set('person', lead.person ?? '');
  values.set('form', form);
  return values;
}

function clientKeyOf(input: MapLeadInput): string | undefined {
  const candidates = [input.idempotencyKey, ...CLIENT_KEY_FIELDS.map((name) => (Object.hasOwn(input.fields, name) ? input.fields[name] : undefined))];
  for (const candidate of candidates) {
    const value = cleanText([candidate ?? ''].flat().at(-1) ?? '', false);
    if (value) return value;
  }
  return undefined;
}
