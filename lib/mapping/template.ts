import { isLeadFieldName } from './lead-fields.ts';

const PLACEHOLDER = /\{([a-z0-9_]+)\}/g;

/**
 * What a follow-up template may use besides the lead fields: in templates `{name}` is the client's name in
 * CSMART (the company, else the person), `{person}` the person's name, `{form}` the form's name.
 */
export const TEMPLATE_EXTRAS = ['person', 'form'] as const;

/** The placeholders a template uses that are not known; empty when the template is fine. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1] as string)
    .filter((name) => !isLeadFieldName(name) && !(TEMPLATE_EXTRAS as readonly string[]).includes(name));
}

/** Fills `{placeholder}`s; a missing value leaves nothing behind, and the spaces around it are tidied. */
export function fillTemplate(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values.get(name) ?? '').replace(/\s{2,}/g, ' ').trim();
}
