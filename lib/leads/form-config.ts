import { processParameterNames, processParameters, processSettings } from '../config/runtime.ts';
import { HttpError } from '../http/errors.ts';
import { readLocalJson } from '../inbound/local-file.ts';
import { parsedOnce } from '../inbound/parsed-once.ts';
import { DEFAULT_FORM_NAME, DEFAULT_FORM_SETTINGS, FORM_NAME_PATTERN, parseFormSettings, type FormSettings } from '../mapping/form-settings.ts';

/** The default name of the Turnstile secret under the SSM prefix; fetched in the same batch as the form. */
export const TURNSTILE_SECRET = 'secrets/turnstile';

export type FormConfig = { name: string; settings: FormSettings; turnstileSecret: string | undefined };

/** The form named in the path (`POST /leads/{form}`), or the default form; a bad name is the sender's fault. */
export function formNameOf(pathForm: string | undefined): string {
  if (pathForm === undefined || pathForm === '') return DEFAULT_FORM_NAME;
  if (!FORM_NAME_PATTERN.test(pathForm)) {
    throw new HttpError(404, 'form_not_found', 'There is no such form: form names are lower-case letters, digits, "-" and "_".', { field: 'form' });
  }
  return pathForm;
}

/**
 * A form's settings: SSM `<prefix>forms/<form>` (JSON), or CSMART_FORMS_FILE locally. Every form comes from
 * one `GetParametersByPath` listing per cache period (one SSM call per cold start, none while warm); the
 * Turnstile secret is fetched too only for a form that enables it.
 * A named form without settings does not exist (404); `default` falls back to the built-in settings.
 */
export async function loadFormConfig(name: string): Promise<FormConfig> {
  const settings = processSettings();
  let json: unknown;
  let turnstileSecret: string | undefined;
  if (settings.formsFile) {
    json = readLocalJson(settings.formsFile)[name];
    turnstileSecret = settings.secretsFile ? stringOrUndefined(readLocalJson(settings.secretsFile).turnstile) : undefined;
  } else {
    const formParameter = `${settings.ssmPrefix}forms/${name}`;
    const secretParameter = `${settings.ssmPrefix}${TURNSTILE_SECRET}`;
    // Forms come from one listing per cache period: a name that is not configured costs no SSM call, so
    // guessing names cannot use up the SSM quota. Until a listing succeeds, the form is asked for by name.
    const listed = await processParameterNames('forms').get();
    if (listed) {
      json = listed.get(formParameter);
      if (json === undefined) return missingForm(name, undefined);
      const form = cachedParse(name, json);
      // The Turnstile secret is read only for a form that uses it.
      if (form.turnstile.enabled) turnstileSecret = (await processParameters().get([secretParameter])).get(secretParameter);
      return { name, settings: form, turnstileSecret };
    }
    const values = await processParameters().get([formParameter, secretParameter]);
    json = values.get(formParameter);
    turnstileSecret = values.get(secretParameter);
  }
  if (json === undefined) return missingForm(name, turnstileSecret);
  return { name, settings: cachedParse(name, json), turnstileSecret };
}

/** `default` works without settings (and without Turnstile, so without its secret); any other name does not exist. */
function missingForm(name: string, turnstileSecret: string | undefined): FormConfig {
  if (name === DEFAULT_FORM_NAME) return { name, settings: DEFAULT_FORM_SETTINGS, turnstileSecret };
  throw new HttpError(404, 'form_not_found', `There is no form "${name}".`, { field: 'form' });
}

/** Parsing is cached per form while its JSON is unchanged; an invalid form fails loudly (FormSettingsError). */
const cachedParse = parsedOnce<unknown, FormSettings>(parseFormSettings);

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
