/**
 * The sandbox's switches for what the vendor leaves undocumented, so that every adaptation of the
 * integration (and every finding of `csmart doctor`) is tested against the behaviour it answers:
 * - `editMode`: `merge` (an edit keeps the fields it does not send) or `replace` (the record becomes
 *   exactly what the edit sent);
 * - `fieldNames`: List records name fields differently (our name → the sandbox's);
 * - `nipMatch`: an Events `nip` matches a client by its `digits` ("526-025-02-74" equals "5260250274")
 *   or `exact`ly as the client's NIP is stored (as a plain SQL comparison would);
 * - `errorTexts`: the `default` Polish texts, or `alternative` ones that our built-in patterns do not know;
 * - `requiredOnEdit`: an edit that leaves out a documented required field (Events `name`) keeps the
 *   record's own (`stored`), or is refused like a create without it (`sent`: the vendor's text names no
 *   exception for edits).
 */
export type SandboxBehaviour = {
  editMode: 'merge' | 'replace';
  fieldNames: Record<string, string>;
  nipMatch: 'digits' | 'exact';
  errorTexts: 'default' | 'alternative';
  requiredOnEdit: 'stored' | 'sent';
};

export const DEFAULT_BEHAVIOUR: Readonly<SandboxBehaviour> = Object.freeze({ editMode: 'merge', fieldNames: {}, nipMatch: 'digits', errorTexts: 'default', requiredOnEdit: 'stored' });

/** The other names `fieldNames: "alternative"` stands for: none of them is a name the integration guesses. */
export const ALTERNATIVE_FIELD_NAMES: Readonly<Record<string, string>> = Object.freeze({
  name: 'nazwa', nip: 'nip_klienta', email: 'adres_email', description: 'opis',
});

export class BehaviourInputError extends Error {
  override name = 'BehaviourInputError';
  readonly code = 'behaviour-input';
}

/** Checks the behaviour part of `POST /__admin/settings` (or the environment's); throws naming the bad key. */
export function parseBehaviour(input: Record<string, unknown>): Partial<SandboxBehaviour> {
  const out: Partial<SandboxBehaviour> = {};
  if (input.editMode !== undefined) {
    if (input.editMode !== 'merge' && input.editMode !== 'replace') throw new BehaviourInputError("editMode must be 'merge' or 'replace'");
    out.editMode = input.editMode;
  }
  if (input.nipMatch !== undefined) {
    if (input.nipMatch !== 'digits' && input.nipMatch !== 'exact') throw new BehaviourInputError("nipMatch must be 'digits' or 'exact'");
    out.nipMatch = input.nipMatch;
  }
  if (input.errorTexts !== undefined) {
    if (input.errorTexts !== 'default' && input.errorTexts !== 'alternative') throw new BehaviourInputError("errorTexts must be 'default' or 'alternative'");
    out.errorTexts = input.errorTexts;
  }
  if (input.requiredOnEdit !== undefined) {
    if (input.requiredOnEdit !== 'stored' && input.requiredOnEdit !== 'sent') throw new BehaviourInputError("requiredOnEdit must be 'stored' or 'sent'");
    out.requiredOnEdit = input.requiredOnEdit;
  }
  if (input.fieldNames !== undefined) {
    const names = input.fieldNames === 'alternative' ? ALTERNATIVE_FIELD_NAMES : input.fieldNames;
    if (names === null || typeof names !== 'object' || Array.isArray(names) || !Object.values(names).every((v) => typeof v === 'string' && v !== '')) {
      throw new BehaviourInputError("fieldNames must be 'alternative' or an object of field names to other names");
    }
    out.fieldNames = { ...(names as Record<string, string>) };
  }
  return out;
}

/** The behaviour asked for by SANDBOX_EDIT_MODE, SANDBOX_FIELD_NAMES (`alternative` or JSON), SANDBOX_NIP_MATCH, SANDBOX_ERROR_TEXTS, SANDBOX_REQUIRED_ON_EDIT. */
export function behaviourFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<SandboxBehaviour> {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const fieldNames = value('SANDBOX_FIELD_NAMES');
  let names: unknown = fieldNames;
  if (fieldNames !== undefined && fieldNames !== 'alternative') {
    try {
      names = JSON.parse(fieldNames);
    } catch {
      throw new BehaviourInputError("SANDBOX_FIELD_NAMES must be 'alternative' or a JSON object");
    }
  }
  return parseBehaviour({
    editMode: value('SANDBOX_EDIT_MODE'), nipMatch: value('SANDBOX_NIP_MATCH'), errorTexts: value('SANDBOX_ERROR_TEXTS'),
    requiredOnEdit: value('SANDBOX_REQUIRED_ON_EDIT'), fieldNames: names,
  });
}
