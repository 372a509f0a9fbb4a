import type { CsmartRecord } from '../csmart/modules.ts';

export const VALUE_TYPES = ['string', 'number', 'boolean', 'null', 'object', 'array'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** One field seen in a list: its name, the JSON types of its values, and in how many records it appears. */
export type FieldSchema = { name: string; types: ValueType[]; present: number };

export function valueType(value: unknown): ValueType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return type;
  if (type === 'bigint') return 'number';
  return 'object';
}

const TYPE_BITS: Record<ValueType, number> = { string: 1, number: 2, boolean: 4, null: 8, object: 16, array: 32 };

/**
 * The union of the fields of all records, in first-seen order with `id` first, with the types seen.
 * CSMART does not document its list fields, so the CSV header and the manifest are built from the data.
 */
export function describeFields(records: readonly CsmartRecord[]): FieldSchema[] {
  const collector = new FieldCollector();
  for (const record of records) collector.add(record);
  return collector.fields();
}

/** `describeFields` record by record, for a list that streams by: only the field names and their type bits are kept. */
export class FieldCollector {
  readonly #seen = new Map<string, SeenField>([['id', { name: 'id', bits: 0, present: 0 }]]);
  /**
   * The fields of the record before, by position. A list's records nearly always have the same keys in the
   * same order, so a field is found by one comparison of names (the same string, from JSON.parse) instead of
   * a Map lookup per field of every record.
   */
  readonly #previous: SeenField[] = [];

  /** Counts one record's fields; true when it has a field no earlier record had. */
  add(record: CsmartRecord): boolean {
    let added = false;
    let at = 0;
    for (const name in record) {
      const bit = TYPE_BITS[valueType(record[name])];
      let field = this.#previous[at];
      if (field === undefined || field.name !== name) {
        field = this.#seen.get(name);
        if (!field) {
          field = { name, bits: 0, present: 0 };
          this.#seen.set(name, field);
          added = true;
        }
        this.#previous[at] = field;
      }
      field.bits |= bit;
      field.present += 1;
      at += 1;
    }
    return added;
  }

  /** The field names so far, `id` first, then in first-seen order. */
  names(): string[] {
    return [...this.#seen.keys()];
  }

  fields(): FieldSchema[] {
    return [...this.#seen.values()].map(({ name, bits, present }) => ({
      name,
      types: VALUE_TYPES.filter((type) => (bits & TYPE_BITS[type]) !== 0),
      present,
    }));
  }
}

type SeenField = { name: string; bits: number; present: number };
