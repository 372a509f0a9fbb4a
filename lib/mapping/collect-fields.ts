import type { BodyFields } from './body-fields.ts';
import { aliasOf, fieldKeyOf, normaliseFieldName } from './aliases.ts';
import type { FormSettings } from './form-settings.ts';

/** The lead fields found in a submission, and the fields nobody claimed (kept for the description). */
export type CollectedFields = {
  /** Lead field (incl. `consent_*`, `utm_*`) → cleaned, non-empty text. */
  values: Map<string, string>;
  other: Array<[string, string]>;
};

/** Form machinery, not data: anti-spam and idempotency inputs, captcha tokens, submit buttons. */
const CONTROL_FIELDS = new Set(['cf-turnstile-response', 'g-recaptcha-response', 'h-captcha-response', 'submit']);

/** Whether a field drives the form (honeypot, `_ts`, `_submission_id`, captcha tokens…) rather than carrying data. */
export function isControlField(name: string, honeypot: string): boolean {
  return name === honeypot || name.startsWith('_') || CONTROL_FIELDS.has(name.toLowerCase());
}

// Explicit settings beat a field already named like the lead field, which beats a conventional alias.
const RANK = { mapping: 0, mappingNormalised: 1, canonical: 2, alias: 3 } as const;

/**
 * Finds the lead fields in a submission: the form's own `mapping` first, then the default aliases
 * (`e-mail`, `imie`, `fields[email][value]`…). When several fields mean the same lead field, the best-ranked
 * non-empty one wins, and among equals the first sent.
 */
export function collectFields(fields: BodyFields, settings: Pick<FormSettings, 'mapping' | 'honeypot'>): CollectedFields {
  const targetOf = fieldTargets(settings.mapping);
  const found = new Map<string, { value: string; rank: number }>();
  const other: Array<[string, string]> = [];

  for (const [name, sent] of Object.entries(fields)) {
    // A field the form maps by its exact name is data, even one named like form machinery (CF7's `_url` tag).
    if (isControlField(name, settings.honeypot) && !Object.hasOwn(settings.mapping, name)) continue;
    const key = fieldKeyOf(name);
    if (key === undefined) continue;
    const { target, rank } = targetOf(name, normaliseFieldName(key));
    const values = (Array.isArray(sent) ? sent : [sent]).map((v) => cleanText(v, target === 'message'));
    if (target === undefined) {
      const joined = values.filter(Boolean).join(', ');
      if (joined) other.push([cleanText(name, false), joined]);
      continue;
    }
    // A repeated lead field counts as its last value, as PHP reads it (a hidden "0" before a checkbox's "1").
    const value = values.filter(Boolean).at(-1);
    if (value === undefined) continue;
    const current = found.get(target);
    if (current === undefined || rank < current.rank) found.set(target, { value, rank });
  }
  return { values: new Map([...found].map(([field, { value }]) => [field, value])), other };
}

/** Where a field's value goes, and how surely (a lower rank wins): see `fieldTargets`. */
export type FieldTargets = (name: string, normalised?: string) => { target: string | undefined; rank: number };

/**
 * The lead field a form's field name means: the form's `mapping` for the name as sent, then for its normalised
 * form, else the default aliases. Form-builder presets ask it too, so they read a field as the lead will.
 */
export function fieldTargets(mapping: Readonly<Record<string, string>>): FieldTargets {
  const exact = new Map(Object.entries(mapping));
  const byNormalised = new Map([...exact].map(([name, target]) => [normaliseFieldName(name), target]));
  return (name, normalised = normaliseFieldName(name)) => {
    if (exact.has(name)) return { target: exact.get(name), rank: RANK.mapping };
    if (byNormalised.has(normalised)) return { target: byNormalised.get(normalised), rank: RANK.mappingNormalised };
    const target = aliasOf(normalised);
    return { target, rank: target === normalised ? RANK.canonical : RANK.alias };
  };
}

/**
 * Well-formed Unicode without control characters; single-line fields have their whitespace collapsed,
 * so a value cannot forge extra lines in the description.
 */
export function cleanText(value: string, multiline: boolean): string {
  const text = value.toWellFormed().replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
  if (!multiline) return text.replace(/\s+/g, ' ').trim();
  return text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
}
