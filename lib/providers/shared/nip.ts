import { normaliseNip } from '../../mapping/nip.ts';

/** A NIP as its ten digits (separators and a `PL` prefix dropped), or undefined when it is not a valid NIP. */
export function normalizeNip(raw: string | number | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const checked = normaliseNip(String(raw));
  return checked.ok ? checked.value : undefined;
}
