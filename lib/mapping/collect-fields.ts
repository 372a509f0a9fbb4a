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
  const mapping = new Map(Object.entries(settings.mapping));
  const mappingNormalised = new Map([...mapping].map(([name, target]) => [normaliseFieldName(name), target]));
  const found = new Map<string, { value: string; rank: number }>();
  const other: Array<[string, string]> = [];

  for (const [name, sent] of Object.entries(fields)) {
    // A field the form maps by its exact name is data, even one named like form machinery (CF7's `_url` tag).
    if (isControlField(name, settings.honeypot) && !mapping.has(name)) continue;
    const key = fieldKeyOf(name);
    if (key === undefined) continue;
    const { target, rank } = targetOf(name, normaliseFieldName(key), mapping, mappingNormalised);
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

function targetOf(name: string, normalised: string, mapping: Map<string, string>, mappingNormalised: Map<string, string>): { target: string | undefined; rank: number } {
  if (mapping.has(name)) return { target: mapping.get(name), rank: RANK.mapping };
  if (mappingNormalised.has(normalised)) return { target: mappingNormalised.get(normalised), rank: RANK.mappingNormalised };
  const target = aliasOf(normalised);
  return { target, rank: target === normalised ? RANK.canonical : RANK.alias };
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
