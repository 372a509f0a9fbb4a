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
