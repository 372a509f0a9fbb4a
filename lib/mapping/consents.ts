import type { FormSettings } from './form-settings.ts';
import { CONSENT_PREFIX } from './lead-fields.ts';

/** What a ticked checkbox sends: browsers send `on`, forms often `1`/`true`/`yes`, Polish forms `tak`. */
const TICKED = new Set(['on', '1', 'true', 'yes', 'tak']);

/** One consent (RODO/GDPR) as recorded with the lead. */
export type ConsentRecord = { name: string; given: boolean; text?: string; version?: string };

const METADATA = /_(text|version)$/;

export function isTicked(value: string | undefined): boolean {
  return value !== undefined && TICKED.has(value.trim().toLowerCase());
}

/**
 * Every consent the form sent or the settings know, ticked or not. Only a ticked value counts as given:
 * an empty, unknown or absent value never does. The text shown comes from the form (`consent_<name>_text`)
 * or the settings, likewise the version.
 */
export function readConsents(values: ReadonlyMap<string, string>, settings: Pick<FormSettings, 'consents' | 'required'>): ConsentRecord[] {
  const names = new Set<string>();
  for (const field of values.keys()) {
    if (field.startsWith(CONSENT_PREFIX) && !METADATA.test(field)) names.add(field.slice(CONSENT_PREFIX.length));
  }
  for (const name of Object.keys(settings.consents)) names.add(name);
  for (const group of settings.required) {
    for (const field of group) if (field.startsWith(CONSENT_PREFIX)) names.add(field.slice(CONSENT_PREFIX.length));
  }
  return [...names].map((name) => {
    const configured = Object.hasOwn(settings.consents, name) ? settings.consents[name] : undefined;
    const text = values.get(`${CONSENT_PREFIX}${name}_text`) ?? configured?.text;
    const version = values.get(`${CONSENT_PREFIX}${name}_version`) ?? configured?.version;
    return {
      name,
      given: isTicked(values.get(`${CONSENT_PREFIX}${name}`)),
      ...(text ? { text } : {}),
      ...(version ? { version } : {}),
    };
  });
}
