import { leadFieldOf } from '../../mapping/aliases.ts';
import { textOf } from '../shared/description-lines.ts';
import { EXTRA_VALUE_MAX, LEAD_DATA_ENTRIES } from './events.ts';

export type LeadDataRead = {
  /** The documented keys, aliases resolved into them: what the schema validates. */
  data: Record<string, unknown>;
  /** Every other key with its value as readable text, in the order sent: written into the description. */
  extras: Array<[string, string]>;
};

const isEntry = (key: string): key is keyof typeof LEAD_DATA_ENTRIES => Object.hasOwn(LEAD_DATA_ENTRIES, key);

/**
 * Reads lead data through the one field vocabulary of every source (lib/mapping/aliases.ts): `miasto`,
 * `telefon`, `nazwa_firmy`… become lead fields; a documented key wins over an alias of it, the first alias
 * over later ones. Numbers sent for text fields (a phone, a NIP) are read as text. Nothing is dropped.
 */
export function readLeadData(raw: Record<string, unknown>): LeadDataRead {
  const data: Record<string, unknown> = {};
  const extras: Array<[string, string]> = [];
  const aliased = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (isEntry(key)) {
      data[key] = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      continue;
    }
    const field = leadFieldOf(key);
    if (field !== undefined && isEntry(field)) {
      if (!aliased.has(field)) aliased.set(field, value);
      // A second alias of a field already given is still kept, for a person to read.
      else pushExtra(extras, key, value);
      continue;
    }
    pushExtra(extras, field?.startsWith('consent_') || field?.startsWith('utm_') ? field : key, value);
  }
  for (const [field, value] of aliased) {
    if (data[field] === undefined) data[field] = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    else pushExtra(extras, field, value);
  }
  return { data, extras };
}

function pushExtra(extras: Array<[string, string]>, key: string, value: unknown): void {
  const text = textOf(value) ?? (typeof value === 'object' && value !== null ? JSON.stringify(value) : undefined);
  if (text === undefined || text === '{}' || text === '[]') return;
  extras.push([key, text.length > EXTRA_VALUE_MAX ? `${text.slice(0, EXTRA_VALUE_MAX - 1)}…` : text]);
}
