/**
 * The lead fields of the public interface (design.md): the same names in form posts and JSON.
 * `name` is a person's full name, for forms that ask for it in one input; `consent_*` and `utm_*` are open families.
 */
export const LEAD_FIELDS = [
  'company', 'first_name', 'last_name', 'name', 'email', 'phone', 'nip',
  'address', 'postal_code', 'city', 'country', 'message', 'page_url', 'referrer',
] as const;

export type LeadField = (typeof LEAD_FIELDS)[number];

export const CONSENT_PREFIX = 'consent_';
export const UTM_PREFIX = 'utm_';

const FAMILY = /^(consent|utm)_[a-z0-9_]+$/;

/** Whether a name is a lead field: one of LEAD_FIELDS, or `consent_<name>` / `utm_<name>`. */
export function isLeadFieldName(name: string): boolean {
  return (LEAD_FIELDS as readonly string[]).includes(name) || FAMILY.test(name);
}
