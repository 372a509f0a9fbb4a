import type { CsmartRecord, SaveModule } from './modules.ts';
import { MODULES } from './modules.ts';

/**
 * How CSMART treats a Save with an `id` and only some fields. The vendor does not say: `merge` (the
 * default) assumes the other fields are left alone; `replace` assumes the record becomes exactly what
 * was sent, so every edit first reads the current record and sends it whole with the changes over it.
 * `csmart doctor --write` finds out which one an account does.
 */
export const EDIT_MODES = ['merge', 'replace'] as const;
export type EditMode = (typeof EDIT_MODES)[number];

export function isEditMode(value: string): value is EditMode {
  return (EDIT_MODES as readonly string[]).includes(value);
}

/**
 * The fields of an edit under `replace`: every Save field the current record holds as text or a
 * number, with the changes over it. A change left `undefined` keeps the current value. Without the
 * current record (CSMART no longer lists it) only the changes are sent, and CSMART decides.
 */
export function replacementFields(
  module: SaveModule,
  current: CsmartRecord | undefined,
  changes: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const whole: Record<string, string | undefined> = {};
  if (current) {
    for (const field of MODULES[module].fields as readonly string[]) {
      const value = current[field];
      if (typeof value === 'string') whole[field] = value;
      else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') whole[field] = String(value);
    }
  }
  for (const [field, value] of Object.entries(changes)) if (value !== undefined) whole[field] = value;
  return whole;
}

/** The required Save fields (Events `name`) an edit leaves out. */
export function missingRequired(module: SaveModule, changes: Record<string, string | undefined>): string[] {
  return (MODULES[module].required as readonly string[]).filter((field) => !changes[field]);
}

/**
 * The fields of an edit under `merge` that left out a required field: the vendor documents `name` as
 * required on every Events Save, edits not excepted, so the missing ones are taken from the current
 * record. Without it (no longer listed, or holding no value) they stay missing: a subject is never invented.
 */
export function withRequiredFrom(
  module: SaveModule,
  current: CsmartRecord | undefined,
  changes: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const out = { ...changes };
  for (const field of missingRequired(module, changes)) {
    const value = current?.[field];
    if ((typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value))) out[field] = String(value);
  }
  return out;
}
