import { leadFieldOf } from '../../mapping/aliases.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import type { TypeformTarget } from './settings.ts';

export type FieldInfo = { ref: string | undefined; type: string | undefined; title: string | undefined };

// Whole words in refs and titles, where `_`, `-` and spaces separate words (first_name, Imię i nazwisko).
const word = (pattern: string) => new RegExp(`(^|[^\\p{L}\\d])(${pattern})($|[^\\p{L}\\d])`, 'iu');
const COMPANY = word('company|company[ _-]?name|firma|firmy|nazwa[ _-]firmy');
const NIP = word('nip|vat[ _-]?id|tax[ _-]?id');
const FULL_NAME = word('imię i nazwisko|imie i nazwisko|full[ _-]?name|name|your[ _-]?name');
const LAST_NAME = word('nazwisko|last[ _-]?name|surname');
const FIRST_NAME = word('imię|imie|first[ _-]?name');

/** Lead fields of the shared vocabulary (lib/mapping/aliases.ts) → where a Typeform answer for them goes. */
const LEAD_FIELD_TARGETS: Readonly<Record<string, TypeformTarget>> = {
  company: 'name', first_name: 'first_name', last_name: 'last_name', name: 'full_name', email: 'email', phone: 'phone_office',
  nip: 'nip', address: 'address', postal_code: 'postal_code', city: 'city', country: 'country', message: 'description',
};

/** The target a name of the shared field vocabulary (`miasto`, `kod_pocztowy`, `telefon`…) stands for. */
function vocabularyTarget(name: string | undefined): TypeformTarget | undefined {
  const field = name === undefined ? undefined : leadFieldOf(name);
  return field === undefined ? undefined : LEAD_FIELD_TARGETS[field];
}

/**
 * Where an answer goes: the form's own map, then the map for all forms (both by field `ref`), then the
 * field vocabulary every source shares (a ref such as `miasto` or `kod_pocztowy`), then a default by field
 * type and words in its ref or title, then a title that is a vocabulary name. Undefined: listed in the description.
 */
export function targetOf(field: FieldInfo, formId: string, settings: SourceSettings): TypeformTarget | undefined {
  if (field.ref) {
    const mapped = settings.formFieldMaps[formId]?.[field.ref] ?? settings.fieldMap[field.ref];
    if (mapped) return mapped;
  }
  const byRef = vocabularyTarget(field.ref);
  if (byRef) return byRef;
  const byType = targetByType(field);
  return byType ?? (field.type === 'short_text' || field.type === undefined ? vocabularyTarget(field.title) : undefined);
}

function targetByType(field: FieldInfo): TypeformTarget | undefined {
  switch (field.type) {
    case 'email': return 'email';
    case 'phone_number': return 'phone_office';
    case 'website': return 'www';
    case 'long_text': return 'description';
    case 'short_text': return shortTextTarget(`${field.ref ?? ''} | ${field.title ?? ''}`);
    default: return undefined;
  }
}

function shortTextTarget(words: string): TypeformTarget | undefined {
  // Order matters: "NIP firmy" is a NIP, "Company name" a company, "Imię i nazwisko" a full name, not a surname.
  if (NIP.test(words)) return 'nip';
  if (COMPANY.test(words)) return 'name';
  if (/imi[eę]/iu.test(words) && /nazwisko/iu.test(words)) return 'full_name';
  if (LAST_NAME.test(words)) return 'last_name';
  if (FIRST_NAME.test(words)) return 'first_name';
  if (FULL_NAME.test(words)) return 'full_name';
  return undefined;
}
