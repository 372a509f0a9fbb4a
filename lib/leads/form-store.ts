import type { ConfigSources } from '../config/config-sources.ts';
import { RefusalError } from '../errors/refusal.ts';
import { readConfiguredEntry } from '../intake/configured-entry.ts';
import { parsedOnce } from '../intake/parsed-once.ts';
import { DEFAULT_FORM_NAME, DEFAULT_FORM_SETTINGS, FORM_NAME_PATTERN, parseFormSettings, type FormSettings } from '../mapping/form-settings.ts';

/** The name of the Turnstile secret under the SSM prefix; fetched only for a form that enables Turnstile. */
export const TURNSTILE_SECRET = 'secrets/turnstile';

export type FormConfig = { name: string; settings: FormSettings; turnstileSecret: string | undefined };

export type FormStore = {
  /**
   * A form's settings: SSM `<prefix>forms/<form>` (JSON), or `CSMART_FORMS_FILE` locally. A named form
   * without settings does not exist (not found); `default` falls back to the built-in settings.
   */
  load(name: string): Promise<FormConfig>;
};

/** The form named in the path (`POST /leads/{form}`), or the default form; a bad name is the sender's fault. */
export function formNameOf(pathForm: string | undefined): string {
  if (pathForm === undefined || pathForm === '') return DEFAULT_FORM_NAME;
  if (!FORM_NAME_PATTERN.test(pathForm)) {
    throw new RefusalError('not_found', 'form_not_found', 'There is no such form: form names are lower-case letters, digits, "-" and "_".', { field: 'form' });
  }
  return pathForm;
}

/** The forms of one function's configuration; each form's JSON is parsed once while it is unchanged. */
export function createFormStore(config: Pick<ConfigSources, 'read' | 'listing'>): FormStore {
  // An invalid form fails loudly (FormSettingsError), and is parsed again next time.
  const parse = parsedOnce<string, FormSettings>(parseFormSettings);
  return {
    async load(name) {
      const { value, extras } = await readConfiguredEntry(config, {
        folder: 'forms', name, extras: [TURNSTILE_SECRET], wants: (json) => parse(name, json).turnstile.enabled,
      });
      const turnstileSecret = extras.get(TURNSTILE_SECRET);
      if (value === undefined) {
        if (name === DEFAULT_FORM_NAME) return { name, settings: DEFAULT_FORM_SETTINGS, turnstileSecret };
        throw new RefusalError('not_found', 'form_not_found', `There is no form "${name}".`, { field: 'form' });
      }
      return { name, settings: parse(name, value), turnstileSecret };
    },
  };
}
