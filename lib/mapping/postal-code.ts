import type { Checked } from './checked.ts';
import { accepted, refused } from './checked.ts';

const POLAND = new Set(['', 'pl', 'pol', 'polska', 'poland']);

/** Whether a country value means Poland; an empty country is taken as Poland, the usual case for these forms. */
export function isPoland(country: string | undefined): boolean {
  return POLAND.has((country ?? '').trim().toLowerCase());
}

/** A Polish postal code as `NN-NNN` (`NNNNN` accepted); other countries' codes are kept as sent. */
export function normalisePostalCode(input: string, country: string | undefined): Checked {
  const code = input.trim();
  if (!isPoland(country)) return accepted(code);
  const match = /^(\d{2})\s*[-–]?\s*(\d{3})$/.exec(code);
  return match ? accepted(`${match[1]}-${match[2]}`) : refused('postal_code_invalid', 'postal_code must be a Polish postal code such as 00-950.');
}
