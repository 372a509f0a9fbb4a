import type { ExtraErrorTexts } from '../../lib/csmart/known-errors.ts';
import { ALTERNATIVE_FIELD_NAMES, type SandboxBehaviour } from '../../sandbox/behaviour.ts';

/**
 * Each undocumented CSMART behaviour the sandbox can take instead of the assumed one, with the settings
 * that adapt the integration to it (what `csmart doctor` prints for it: test/doctor checks that).
 * `SANDBOX_MODE=<name> npx vitest run test/leads test/webhooks test/delivery` runs whole suites in a
 * mode: useSandbox takes the behaviour and useDeliveryStack the settings (`npm run test:modes`: all).
 * A strict NIP comparison needs no setting: tasks always carry the client's NIP as its record stores it; nor
 * does a CSMART that requires a task's name on edits: every task edit carries it.
 */
export type SandboxMode = { name: string; behaviour: Partial<SandboxBehaviour>; settings: Record<string, string> };

/**
 * The table of known error texts for the sandbox's `errorTexts: "alternative"` wording (sandbox/messages.ts),
 * as an account would set it once it has seen every one of them; the doctor prints the ones it provokes.
 */
export const ALTERNATIVE_ERROR_TEXTS: ExtraErrorTexts = {
  auth: ['Odmowa dostępu'],
  validation: ['Niekompletne żądanie', 'nie istnieje', 'niedostępna w', 'Dozwolony jest tylko POST', 'Brak rekordu', 'Uzupełnij', 'Zła wartość w', 'Brak kontrahenta'],
  transient: ['Błąd serwera'],
};

export const SANDBOX_MODES: readonly SandboxMode[] = [
  { name: 'replace-on-edit', behaviour: { editMode: 'replace' }, settings: { CSMART_EDIT_MODE: 'replace' } },
  { name: 'other-field-names', behaviour: { fieldNames: { ...ALTERNATIVE_FIELD_NAMES } }, settings: { CSMART_FIELD_NAMES: JSON.stringify(ALTERNATIVE_FIELD_NAMES) } },
  { name: 'strict-nip-exact', behaviour: { nipMatch: 'exact' }, settings: {} },
  { name: 'required-on-edit', behaviour: { requiredOnEdit: 'sent' }, settings: {} },
  { name: 'other-error-texts', behaviour: { errorTexts: 'alternative' }, settings: { CSMART_ERROR_TEXTS: JSON.stringify(ALTERNATIVE_ERROR_TEXTS) } },
];

/** The mode `SANDBOX_MODE` names, if any; an unknown name is a mistake worth stopping for. */
export function modeFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SandboxMode | undefined {
  const name = env.SANDBOX_MODE?.trim();
  if (!name) return undefined;
  const mode = SANDBOX_MODES.find((m) => m.name === name);
  if (!mode) throw new Error(`SANDBOX_MODE must be one of ${SANDBOX_MODES.map((m) => m.name).join(', ')}`);
  return mode;
}
