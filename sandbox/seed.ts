import type { ModuleName } from '../lib/csmart/modules.ts';
import type { RecordInput, SandboxRecord } from './store.ts';

/**
 * A few records for the read-only modules, so List and the export have something to show. The vendor
 * does not document these modules' fields; the names below are plausible, not promised. Values are text,
 * as a PHP service reading MySQL returns them, and carry Polish letters on purpose.
 */
export const SEED_RECORDS: Readonly<Partial<Record<ModuleName, readonly RecordInput[]>>> = {
  Quotes: [
    { name: 'Oferta na wdrożenie CRM', account_name: 'Żółta Łódź sp. z o.o.', total: '12500.00', currency: 'PLN', status: 'wysłana', date: '2025-03-14' },
    { name: 'Oferta — szkolenie zespołu sprzedaży', account_name: 'Gęś & Syn s.c.', total: '3400.50', currency: 'PLN', status: 'robocza', date: '2025-04-02' },
    { name: 'Rozszerzenie licencji (10 użytkowników)', account_name: 'Źródło Ćmy S.A.', total: '8990.00', currency: 'PLN', status: 'zaakceptowana', date: '2025-05-20' },
  ],
  SalesOrders: [
    { name: 'Zamówienie ZS/2025/041', account_name: 'Żółta Łódź sp. z o.o.', total: '12500.00', currency: 'PLN', status: 'w realizacji', date: '2025-03-28' },
    { name: 'Zamówienie ZS/2025/057', account_name: 'Źródło Ćmy S.A.', total: '8990.00', currency: 'PLN', status: 'zrealizowane', date: '2025-06-01' },
  ],
  Invoices: [
    { number: 'FV/2025/03/017', account_name: 'Żółta Łódź sp. z o.o.', nip: '5261040828', net: '10162.60', gross: '12500.00', currency: 'PLN', issue_date: '2025-03-31', due_date: '2025-04-14', status: 'opłacona' },
    { number: 'FV/2025/06/002', account_name: 'Źródło Ćmy S.A.', nip: '7740001454', net: '7308.94', gross: '8990.00', currency: 'PLN', issue_date: '2025-06-02', due_date: '2025-06-16', status: 'nieopłacona' },
  ],
  Products: [
    { name: 'Licencja CSMART — użytkownik/miesiąc', code: 'LIC-USR', price: '49.00', unit: 'szt.', vat: '23' },
    { name: 'Wdrożenie i konfiguracja', code: 'WDR-01', price: '2500.00', unit: 'usł.', vat: '23' },
    { name: 'Szkolenie zdalne (4 godz.)', code: 'SZK-4H', price: '800.00', unit: 'usł.', vat: '23' },
  ],
};

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7] as const;

/** A NIP with a valid checksum, unique per index (for indexes up to MAX_SYNTHETIC_ID). */
export function syntheticNip(index: number): string {
  // Nine digits: a leading digit, then the index. Changing the leading digit moves the checksum by 6
  // (mod 11), so at most two tries reach one that is not the invalid 10; leading digits keep them unique.
  for (let lead = 1; lead <= 9; lead++) {
    const body = `${lead}${String(index).padStart(8, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (body.charCodeAt(i) - 48) * NIP_WEIGHTS[i]!;
    const check = sum % 11;
    if (check !== 10) return `${body}${check}`;
  }
  throw new RangeError(`no NIP for index ${index}`);
}

const CITIES = ['Warszawa', 'Kraków', 'Łódź', 'Wrocław', 'Poznań', 'Gdańsk', 'Szczecin', 'Bydgoszcz', 'Lublin', 'Białystok', 'Katowice', 'Gdynia', 'Częstochowa', 'Radom', 'Toruń', 'Rzeszów'] as const;
const STEMS = ['Żółw', 'Ćma', 'Gęś', 'Łabędź', 'Źrebak', 'Jeż', 'Sójka', 'Wróbel', 'Dąb', 'Świerk', 'Sosna', 'Wiśnia'] as const;
const FORMS = ['sp. z o.o.', 'S.A.', 's.c.', 'sp.j.'] as const;

/** The highest id a synthetic client can have: its NIP holds the id in eight digits. */
export const MAX_SYNTHETIC_ID = 99_999_999;

/**
 * Synthetic client number `id`: deterministic and cheap (no randomness, one object literal), with Polish
 * letters and a valid, unique NIP; few fields, so 300,000 of them make a List of about 40 MB. The store
 * generates these on demand instead of keeping 300,000 objects.
 */
export function syntheticAccount(id: number): SandboxRecord {
  const number = String(id).padStart(6, '0');
  return {
    id,
    name: `${STEMS[id % STEMS.length]!} ${number} ${FORMS[id % FORMS.length]!}`,
    nip: syntheticNip(id),
    email: `kontakt${number}@example.pl`,
    phone_office: `+48 22 ${number.slice(0, 3)} ${number.slice(3)}`,
    city: CITIES[id % CITIES.length]!,
  };
}

/** The id of the synthetic client that would carry this NIP (digits only), if any. */
export function syntheticIdOfNip(nip: string): number | undefined {
  if (!/^\d{10}$/.test(nip)) return undefined;
  const id = Number(nip.slice(1, 9));
  return id > 0 && syntheticNip(id) === nip ? id : undefined;
}
