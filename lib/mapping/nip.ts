import type { Checked } from './checked.ts';
import { accepted, refused } from './checked.ts';

const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7] as const;

/** Whether 10 digits carry a valid NIP check digit: weighted sum mod 11, where 10 is never valid. */
export function isNipChecksumValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += Number(digits[i]) * (WEIGHTS[i] as number);
  const check = sum % 11;
  return check !== 10 && check === Number(digits[9]);
}

/** `PL 123-456-32-18` → `1234563218`: the VAT-EU prefix, spaces, dashes and dots removed, checksum verified. */
export function normaliseNip(input: string): Checked {
  const digits = input.trim().replace(/^pl/i, '').replace(/[\s.\-–]/g, '');
  if (!/^\d{10}$/.test(digits)) return refused('nip_invalid', 'nip must be a Polish NIP of 10 digits, such as 123-456-32-18.');
  if (!isNipChecksumValid(digits)) return refused('nip_checksum', 'nip is not a valid NIP: its check digit does not match.');
  return accepted(digits);
}

/**
 * A NIP given by a sender (text or a number, as in a shop's order meta) as its ten digits, or undefined
 * when it is absent or not a valid NIP: webhook sources drop a bad NIP instead of refusing the delivery.
 */
export function validNip(raw: string | number | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const checked = normaliseNip(String(raw));
  return checked.ok ? checked.value : undefined;
}
