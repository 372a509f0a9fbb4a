import type { BodyFields } from './body-fields.ts';
import type { FormSettings } from './form-settings.ts';

/** The form's hidden page-load time: unix milliseconds, set by the page's script. */
export const TIMESTAMP_FIELD = '_ts';

export const SPAM_REASONS = ['honeypot', 'too_fast', 'no_timestamp'] as const;
export type SpamVerdict = { spam: false } | { spam: true; reason: (typeof SPAM_REASONS)[number] };

/**
 * Pure spam decisions; the handler logs them and answers as if the lead were accepted, so bots learn nothing.
 * - honeypot: the hidden field people never see has a value;
 * - too_fast: sent sooner than `minSecondsToSubmit` after the page loaded (`_ts`);
 * - no_timestamp: `_ts` missing or unreadable on a form that requires it (`requireTimestamp`, by default
 *   every form with Turnstile: its widget needs the page's script, which also sets `_ts`, so only a bot
 *   posting directly leaves it out). Elsewhere a missing `_ts` is a visitor without JavaScript and passes.
 * A `_ts` in the future (the visitor's clock is ahead) proves nothing and passes.
 */
export function checkSpam(input: {
  fields: BodyFields;
  settings: Pick<FormSettings, 'honeypot' | 'minSecondsToSubmit'> & Partial<Pick<FormSettings, 'requireTimestamp' | 'turnstile'>>;
  now: Date;
}): SpamVerdict {
  const { fields, settings, now } = input;
  if (valuesOf(fields, settings.honeypot).some((v) => v.trim() !== '')) return { spam: true, reason: 'honeypot' };

  const loadedAt = pageLoadTime(valuesOf(fields, TIMESTAMP_FIELD).at(-1));
  const timestampRequired = settings.requireTimestamp ?? settings.turnstile?.enabled ?? false;
  if (loadedAt === undefined && timestampRequired) return { spam: true, reason: 'no_timestamp' };
  if (loadedAt !== undefined && settings.minSecondsToSubmit > 0) {
    const elapsed = now.getTime() - loadedAt;
    if (elapsed >= 0 && elapsed < settings.minSecondsToSubmit * 1000) return { spam: true, reason: 'too_fast' };
  }
  return { spam: false };
}

function valuesOf(fields: BodyFields, name: string): string[] {
  if (!Object.hasOwn(fields, name)) return [];
  const value = fields[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Unix ms; 10-digit values are taken as seconds (pages that use `Date.now() / 1000` or a server-side time()). */
function pageLoadTime(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (!/^\d{9,13}(\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return n < 1e11 ? n * 1000 : n;
}
