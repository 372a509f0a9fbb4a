import type { Checked } from './checked.ts';
import { accepted, refused } from './checked.ts';

/**
 * Polish mobile numbering ranges (UKE plan), as international prefixes; what `phone_mobile` is chosen for.
 * Forms can replace the list (`mobilePrefixes`), e.g. to add other countries' mobile ranges.
 */
export const POLISH_MOBILE_PREFIXES = ['45', '50', '51', '53', '57', '60', '66', '69', '72', '73', '78', '79', '88'].map((p) => `+48${p}`);

/** `+44 (0) 20…`, `(+48) (0) 600…`: the national trunk prefix in brackets after a country code, never dialled with it. */
const TRUNK_AFTER_COUNTRY_CODE = /^(\(?(?:\+|00)\d{1,3}\)?)[\s.\-–/]*\(0\)/;

/**
 * `600 123 456`, `(+48) 600-123-456`, `0048600123456`, `+48 (0) 600 123 456` → `+48600123456` (E.164 for
 * Polish numbers); `(0-22) 123 45 67` → `+48221234567`; others keep their digits and a leading `+`.
 */
export function normalisePhone(input: string): Checked {
  let phone = input.trim().replace(TRUNK_AFTER_COUNTRY_CODE, '$1').replace(/[\s().\-–/]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  // Polish numbers are 9 digits and never start with 0: a 0 before them is the old trunk prefix (`0-22…`).
  if (/^\+480[1-9]\d{8}$/.test(phone)) phone = `+48${phone.slice(4)}`;
  else if (/^0[1-9]\d{8}$/.test(phone)) phone = phone.slice(1);
  if (!/^\+?\d+$/.test(phone)) return refused('phone_invalid', 'phone may contain only digits, spaces, dashes, brackets and a leading +.');
  const digits = phone.replace('+', '');
  if (digits.length < 6 || digits.length > 15) return refused('phone_invalid', 'phone must have between 6 and 15 digits.');
  if (!phone.startsWith('+')) {
    if (digits.length === 9) return accepted(`+48${digits}`);
    if (digits.length === 11 && digits.startsWith('48')) return accepted(`+${digits}`);
  }
  return accepted(phone);
}

/** Whether a normalised number starts with one of the mobile prefixes. */
export function isMobile(phone: string, mobilePrefixes: readonly string[]): boolean {
  return mobilePrefixes.some((prefix) => phone.startsWith(prefix));
}

/**
 * The Accounts phone field for a number from any source, normalised as lead forms do: a mobile number
 * goes to `phone_mobile`, any other to `phone_office`. A number that cannot be normalised is kept as
 * sent in `phone_office` (a person can still read it); only lead forms refuse it.
 */
export function accountPhoneOf(input: string | undefined, mobilePrefixes: readonly string[] = POLISH_MOBILE_PREFIXES): { phone_mobile?: string; phone_office?: string } {
  const text = input?.trim();
  if (!text) return {};
  const checked = normalisePhone(text);
  if (!checked.ok) return { phone_office: text };
  return isMobile(checked.value, mobilePrefixes) ? { phone_mobile: checked.value } : { phone_office: checked.value };
}
