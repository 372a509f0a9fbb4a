import type { WorkPlan } from '../../intake/job.ts';
import type { BodyFields } from '../../mapping/body-fields.ts';
import type { LeadField } from '../../mapping/lead-fields.ts';
import { mapAdLead } from '../shared/ad-lead.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import type { GoogleAdsLead } from './payload.ts';

/** Google's standard question ids and the lead field each one is. Other ids (JOB_TITLE, custom questions) go by their name. */
export const GOOGLE_COLUMNS: Readonly<Record<string, LeadField>> = {
  FULL_NAME: 'name', FIRST_NAME: 'first_name', LAST_NAME: 'last_name',
  EMAIL: 'email', WORK_EMAIL: 'email', PHONE_NUMBER: 'phone', WORK_PHONE: 'phone',
  COMPANY_NAME: 'company', STREET_ADDRESS: 'address', CITY: 'city', POSTAL_CODE: 'postal_code', COUNTRY: 'country',
};

/** Click and campaign ids, kept in the description so a salesperson can see which ad brought the lead. */
const TRACKING = ['gcl_id', 'campaign_id', 'adgroup_id', 'creative_id', 'asset_group_id', 'form_id'] as const;

export type GoogleAdsMapOptions = { settings: SourceSettings; now: Date; timeZone: string };

/** A lead form extension's lead → a client and the configured follow-ups, deduplicated by `lead_id`. */
export function mapGoogleAdsLead(lead: GoogleAdsLead, options: GoogleAdsMapOptions): WorkPlan {
  const fields: BodyFields = {};
  const add = (name: string, value: string) => {
    const current = fields[name];
    fields[name] = current === undefined ? value : [current, value].flat();
  };
  for (const column of lead.user_column_data) {
    const value = column.string_value?.trim();
    if (!value) continue;
    const id = column.column_id?.trim().toUpperCase() ?? '';
    const own = column.column_name?.trim() || column.column_id?.trim();
    const standard = Object.hasOwn(GOOGLE_COLUMNS, id) ? GOOGLE_COLUMNS[id]! : undefined;
    // The first of EMAIL and WORK_EMAIL (or the phones) is the client's; the other is kept under its own name.
    const name = standard && fields[standard] === undefined ? standard : own;
    if (name) add(name, value);
  }
  for (const key of TRACKING) {
    const value = lead[key];
    if (value !== undefined && value !== null && String(value) !== '') add(`google_${key}`, String(value));
  }
  return mapAdLead({ source: 'google-ads', fields, leadSettings: options.settings.lead, leadId: lead.lead_id, now: options.now, timeZone: options.timeZone });
}
