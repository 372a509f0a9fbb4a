import type { RemoteLeads, WorkPlan } from '../../intake/job.ts';
import type { BodyFields } from '../../mapping/body-fields.ts';
import type { LeadField } from '../../mapping/lead-fields.ts';
import type { ProviderResult } from '../types.ts';
import { mapAdLead } from '../shared/ad-lead.ts';
import { parseWith } from '../shared/validate.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import { LeadgenValueSchema, MetaNotificationSchema, type GraphLead } from './payload.ts';

/** Meta's standard question names that the shared aliases do not know. */
export const META_FIELDS: Readonly<Record<string, LeadField>> = {
  work_email: 'email', work_phone_number: 'phone', company_name: 'company', street_address: 'address',
  zip_code: 'postal_code', post_code: 'postal_code', phone_number: 'phone', full_name: 'name',
};

/** Meta's work e-mail and phone questions, and the plain question each stands in for when that one is absent. */
const WORK_FIELDS = [['work_email', 'email'], ['work_phone_number', 'phone_number']] as const;

/**
 * A Page notification → work whose leads the worker fetches: each `leadgen` change is one lead, kept
 * with the source's lead settings. Other objects and fields are not handled.
 */
export function mapMetaNotification(body: unknown, settings: SourceSettings): ProviderResult {
  const notification = parseWith(MetaNotificationSchema, body);
  if (notification.object !== 'page') return { outcome: 'ignored', reason: `Meta object ${JSON.stringify(notification.object.slice(0, 32))} is not handled` };
  const leads: RemoteLeads['leads'] = [];
  for (const entry of notification.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'leadgen') continue;
      const value = parseWith(LeadgenValueSchema, change.value);
      leads.push({
        leadgenId: value.leadgen_id, pageId: value.page_id,
        ...(value.form_id ? { formId: value.form_id } : {}),
        ...(value.ad_id ? { adId: value.ad_id } : {}),
        ...(typeof value.created_time === 'number' ? { createdTime: value.created_time } : {}),
      });
    }
  }
  if (leads.length === 0) return { outcome: 'ignored', reason: 'Meta notification without a leadgen change' };
  const ids = leads.map((l) => l.leadgenId);
  return {
    outcome: 'work',
    plan: {
      kind: 'leadgen',
      groupKey: `leadgen:${ids[0]}`,
      // Meta has no delivery id; the leads in it are what makes a notification the same one again.
      dedupeKey: `leadgen:${[...ids].sort().join(',')}`,
      steps: [],
      fetchLeads: { from: 'meta', settings: settings.lead, leads },
    },
  };
}

/** A lead read from the Graph API → a client and the configured follow-ups, through the shared vocabulary. */
export function mapGraphLead(lead: GraphLead, options: { settings: Record<string, unknown>; now: Date; timeZone: string }): WorkPlan {
  const fields: BodyFields = {};
  for (const { name, values } of lead.field_data ?? []) {
    const texts = (values ?? []).map(String).filter((text) => text.trim() !== '');
    if (texts.length > 0) fields[name] = texts.length === 1 ? texts[0]! : texts;
  }
  // A form may ask both the e-mail (or phone) and the work one: the plain one is the client's, the work one
  // stays in the description under its own name. Mapped too, it would win and the plain one would be lost.
  const platformMapping: Record<string, LeadField> = { ...META_FIELDS };
  for (const [work, plain] of WORK_FIELDS) if (fields[plain] !== undefined) delete platformMapping[work];
  if (lead.form_id) fields.meta_form_id = lead.form_id;
  if (lead.ad_id) fields.meta_ad_id = lead.ad_id;
  if (lead.campaign_id) fields.meta_campaign_id = lead.campaign_id;
  return mapAdLead({ source: 'meta', fields, leadSettings: options.settings, platformMapping, leadId: lead.id, now: options.now, timeZone: options.timeZone });
}
