import { DEFAULT_AUTH_ERROR_PATTERN } from '../../lib/csmart/auth-pattern.ts';
import { ALTERNATIVE_FIELD_NAMES, type SandboxBehaviour } from '../../sandbox/behaviour.ts';

/**
 * Each undocumented CSMART behaviour the sandbox can take instead of the assumed one, with the settings
 * that adapt the integration to it (the lines `csmart doctor` prints for it: test/doctor checks that).
 * `SANDBOX_MODE=<name> npx vitest run test/leads test/webhooks test/delivery` runs whole suites in a
 * mode: useSandbox takes the behaviour and useDeliveryStack the settings (`npm run test:modes`: all).
 */
export type SandboxMode = { name: string; behaviour: Partial<SandboxBehaviour>; settings: Record<string, string> };

export const SANDBOX_MODES: readonly SandboxMode[] = [
  { name: 'replace-on-edit', behaviour: { editMode: 'replace' }, settings: { CSMART_EDIT_MODE: 'replace' } },
  { name: 'other-field-names', behaviour: { fieldNames: { ...ALTERNATIVE_FIELD_NAMES } }, settings: { CSMART_FIELD_NAMES: JSON.stringify(ALTERNATIVE_FIELD_NAMES) } },
  { name: 'strict-nip-text', behaviour: { nipComparison: 'text' }, settings: { CSMART_NIP_COMPARISON: 'text' } },
  { name: 'other-error-texts', behaviour: { errorTexts: 'alternative' }, settings: { CSMART_AUTH_ERROR_PATTERN: `${DEFAULT_AUTH_ERROR_PATTERN}|odmowa dostepu \\(kod 401\\)\\.` } },
];

/** The mode `SANDBOX_MODE` names, if any; an unknown name is a mistake worth stopping for. */
export function modeFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SandboxMode | undefined {
  const name = env.SANDBOX_MODE?.trim();
  if (!name) return undefined;
  const mode = SANDBOX_MODES.find((m) => m.name === name);
  if (!mode) throw new Error(`SANDBOX_MODE must be one of ${SANDBOX_MODES.map((m) => m.name).join(', ')}`);
  return mode;
}
