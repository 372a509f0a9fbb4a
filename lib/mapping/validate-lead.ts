import { InputValidationError, type FieldProblem } from '../errors/refusal.ts';
import type { Checked } from './checked.ts';
import type { CollectedFields } from './collect-fields.ts';
import { readConsents } from './consents.ts';
import type { ConsentRecord } from './consents.ts';
import { normaliseEmail } from './email.ts';
import type { FormSettings } from './form-settings.ts';
import { LEAD_FIELDS, CONSENT_PREFIX, UTM_PREFIX } from './lead-fields.ts';
import type { LeadField } from './lead-fields.ts';
import { normaliseNip } from './nip.ts';
import { normalisePhone } from './phone.ts';
import { normalisePostalCode } from './postal-code.ts';

/** A submission that passed validation, with every value normalised. */
export type Lead = {
  fields: Partial<Record<LeadField, string>>;
  /** The person's name: first and last name, else the full name as sent. */
  person: string | undefined;
  consents: ConsentRecord[];
  utm: Array<[string, string]>;
  other: Array<[string, string]>;
  /** Values a tolerant read left out of their field because they failed its check, as sent, for a person to check. */
  unusable: Array<[LeadField, string]>;
};

export type ValidateOptions = {
  /**
   * For senders that cannot show the visitor a refusal: a value that fails its check is left out and
   * kept in `unusable` instead of refusing the lead — unless the lead then has no usable e-mail or
   * phone, or misses a required field for it.
   */
  tolerant?: boolean;
};

const NORMALISERS: Partial<Record<LeadField, (value: string, fields: ReadonlyMap<string, string>) => Checked>> = {
  email: normaliseEmail,
  nip: normaliseNip,
  phone: normalisePhone,
  postal_code: (value, fields) => normalisePostalCode(value, fields.get('country')),
};

/**
 * Normalises and checks a submission's lead fields and the form's requirements. Collects every problem
 * and throws one `InputValidationError` (kind `invalid`, answered 422) naming each field at fault.
 */
export function validateLead(collected: CollectedFields, settings: Pick<FormSettings, 'required' | 'consents'>, options: ValidateOptions = {}): Lead {
  const { values } = collected;
  const fields: Partial<Record<LeadField, string>> = {};
  const invalid = new Map<LeadField, FieldProblem>();

  for (const field of LEAD_FIELDS) {
    const value = values.get(field);
    if (value === undefined) continue;
    const normalise = NORMALISERS[field];
    const checked = normalise ? normalise(value, values) : ({ ok: true, value } as const);
    if (checked.ok) fields[field] = checked.value;
    else invalid.set(field, { code: checked.code, message: checked.message, field });
  }

  const consents = readConsents(values, settings);
  const given = (field: string, usableOnly: boolean) => (field.startsWith(CONSENT_PREFIX)
    ? consents.some((c) => c.given && `${CONSENT_PREFIX}${c.name}` === field)
    : values.has(field) && !(usableOnly && invalid.has(field as LeadField)));
  const problems: FieldProblem[] = [...invalid.values()];
  for (const group of settings.required) {
    // A field that was sent but is invalid already has its problem; "required" would only repeat it.
    if (group.some((field) => given(field, false))) continue;
    const first = group[0] as string;
    if (group.every((field) => field.startsWith(CONSENT_PREFIX))) {
      problems.push({ code: 'consent_required', field: first, message: `${group.join(' or ')} must be ticked.` });
    } else {
      problems.push({ code: 'required', field: first, message: `${group.join(' or ')} is required.` });
    }
  }
  // Tolerantly, invalid values alone do not refuse the lead — unless it cannot do without them: no usable
  // e-mail or phone is left, or a required field had only an invalid value. A refusal then names them all.
  const refused = options.tolerant
    ? problems.length > invalid.size
      || (fields.email === undefined && fields.phone === undefined && (invalid.has('email') || invalid.has('phone')))
      || settings.required.some((group) => !group.some((field) => given(field, true)))
    : problems.length > 0;
  if (refused) throw new InputValidationError(problems);

  const utm = [...values].filter(([field]) => field.startsWith(UTM_PREFIX));
  const person = [fields.first_name, fields.last_name].filter(Boolean).join(' ') || fields.name;
  const unusable = [...invalid.keys()].map((field): [LeadField, string] => [field, values.get(field) as string]);
  return { fields, person, consents, utm, other: collected.other, unusable };
}
