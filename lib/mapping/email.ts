import type { Checked } from './checked.ts';
import { accepted, refused } from './checked.ts';

// Practical, not RFC 5322: one @, no spaces or quotes, a dotted domain whose last label has 2+ letters.
// Unicode is allowed on both sides (IDN domains, internationalised local parts).
const LOCAL = /^[^\s@"(),:;<>[\]\\]+$/u;
const LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

/** Trims and lower-cases an e-mail address (matching in CSMART and dedupe must not depend on case). */
export function normaliseEmail(input: string): Checked {
  const email = input.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  const valid = at > 0 && email.length <= 254 && local.length <= 64 && LOCAL.test(local) && !local.startsWith('.') && !local.endsWith('.')
    && !local.includes('..') && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(labels.at(-1) as string);
  return valid ? accepted(email) : refused('email_invalid', 'email must be an e-mail address such as name@example.com.');
}
