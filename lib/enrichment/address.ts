/** A register address split into CSMART's fields; `street` is everything before the postal code. */
export type SplitAddress = { street: string | undefined; postalCode: string | undefined; city: string | undefined };

// "UL. PROSTA 49, 00-838 WARSZAWA", "ul/ Prosta 49 00-838 Warszawa", "CHMIELNA 85/87, 00-805 WARSZAWA".
const WITH_POSTAL_CODE = /^(.*?)[,\s]+(\d{2}-\d{3})\s+(.+)$/u;

/** Splits the register's one-line address at its postal code; without one, the whole line is the street. */
export function splitAddress(line: string | undefined): SplitAddress {
  const text = line?.replace(/\s+/g, ' ').trim();
  if (!text) return { street: undefined, postalCode: undefined, city: undefined };
  const match = WITH_POSTAL_CODE.exec(text);
  if (!match) return { street: text, postalCode: undefined, city: undefined };
  return { street: match[1]?.trim() || undefined, postalCode: match[2], city: match[3]?.trim() || undefined };
}
