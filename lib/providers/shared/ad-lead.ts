import type { WorkPlan } from '../../intake/job.ts';
import type { BodyFields } from '../../mapping/body-fields.ts';
import { InputValidationError } from '../../errors/refusal.ts';
import { aliasOf, fieldKeyOf, normaliseFieldName } from '../../mapping/aliases.ts';
import { parseFormSettings, type FormSettings } from '../../mapping/form-settings.ts';
import type { LeadField } from '../../mapping/lead-fields.ts';
import { mapLead } from '../../mapping/map-lead.ts';

export type AdLeadInput = {
  /** `google-ads`, `meta`: named as the form in the description. */
  source: string;
  /** The lead's answers by field name (standard names already in the lead vocabulary, custom questions as asked). */
  fields: BodyFields;
  /** The source's `lead` settings: the same settings a lead form takes. */
  leadSettings: Record<string, unknown>;
  /** Names of this platform's own fields that the shared aliases do not know; the source's `mapping` wins over them. */
  platformMapping?: Record<string, LeadField>;
  /** The platform's lead id: the dedupe key, and the submission named in the description. */
  leadId: string;
  now: Date;
  timeZone: string;
};

/**
 * A lead from an ad platform's form → the same CSMART work as a website lead (client, then the configured
 * follow-ups), through the shared field vocabulary. Nobody can correct an ad lead, so a value that fails
 * its check (a NIP with a wrong checksum) is kept in the description instead of refusing the lead; only
 * a missing required field (by default e-mail or phone) refuses it. Pure.
 */
export function mapAdLead(input: AdLeadInput): WorkPlan {
  const settings = leadFormSettings(input);
  let fields = input.fields;
  for (let round = 0; ; round++) {
    try {
      const { plan } = mapLead({ form: input.source, fields, settings, now: input.now, timeZone: input.timeZone, submissionId: input.leadId });
      return { ...plan, dedupeKey: `lead:${input.leadId}` };
    } catch (error) {
      const invalid = error instanceof InputValidationError ? error.problems.filter((p) => p.code !== 'required' && p.code !== 'consent_required') : [];
      if (round > 0 || invalid.length === 0 || invalid.length < (error as InputValidationError).problems.length) throw error;
      fields = keptAsTyped(fields, new Set(invalid.map((p) => p.field)), settings);
    }
  }
}

function leadFormSettings(input: AdLeadInput): FormSettings {
  const given = input.leadSettings;
  const mapping = { ...input.platformMapping, ...(given.mapping as Record<string, LeadField> | undefined) };
  return parseFormSettings(input.source, { ...given, mapping });
}

/** The fields that failed their check, renamed so they land among "Other fields" as typed. */
function keptAsTyped(fields: BodyFields, invalid: Set<string | undefined>, settings: FormSettings): BodyFields {
  const renamed: BodyFields = {};
  for (const [name, value] of Object.entries(fields)) {
    const key = fieldKeyOf(name) ?? name;
    const target = settings.mapping[name] ?? aliasOf(normaliseFieldName(key));
    renamed[invalid.has(target) ? `${name} (unchecked)` : name] = value;
  }
  return renamed;
}
