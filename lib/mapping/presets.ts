import type { BodyFields } from './body-fields.ts';
import { aliasOf, normaliseFieldName } from './aliases.ts';
import { fieldTargets } from './collect-fields.ts';
import { isTicked } from './consents.ts';
import type { FormSettings } from './form-settings.ts';
import { CONSENT_PREFIX } from './lead-fields.ts';

/**
 * WordPress form builders whose webhook shapes a form understands with `"preset": "<builder>"`.
 * Each preset only reshapes the fields (names, nesting, metadata); the usual mapping and checks follow.
 */
export const FORM_PRESETS = ['cf7', 'elementor', 'wpforms', 'gravityforms'] as const;
export type FormPreset = (typeof FORM_PRESETS)[number];

/** How a builder's webhook reads our answer: it posts from the WordPress server, never a browser. */
export type PresetSender = {
  /** The status that counts as success to the builder. */
  acceptedStatus: 200 | 202;
  /** Whether the visitor sees a refusal; if not, a 422 would lose the lead unnoticed. */
  showsErrors: boolean;
};

export const PRESET_SENDERS: Readonly<Record<FormPreset, PresetSender>> = {
  // "CF7 to Webhook" posts after the mail is sent and only logs a failure.
  cf7: { acceptedStatus: 202, showsErrors: false },
  // Elementor Pro's Webhook action counts only 200 as success and shows a failure to the visitor.
  elementor: { acceptedStatus: 200, showsErrors: true },
  // The WPForms Webhooks add-on only logs a WP_Error; the answer's status is never looked at.
  wpforms: { acceptedStatus: 202, showsErrors: false },
  // The Gravity Forms Webhooks add-on only writes "Response code: N" into an entry note.
  gravityforms: { acceptedStatus: 202, showsErrors: false },
};

/**
 * Reshapes a builder's webhook fields into plain lead fields. The settings' `mapping` names the builder's own
 * ids a form maps by hand; the consents they name let a builder's unlabelled checkbox be read as one.
 */
export function applyPreset(preset: FormPreset, fields: BodyFields, settings: Pick<FormSettings, 'mapping' | 'consents' | 'required'>): BodyFields {
  const shaped = PRESETS[preset](fields, settings.mapping, settings);
  return consentsAsTicks(shaped, settings.mapping);
}

type Preset = (fields: BodyFields, mapping: Readonly<Record<string, string>>, settings: Pick<FormSettings, 'consents' | 'required'>) => BodyFields;

const PRESETS: Record<FormPreset, Preset> = {
  cf7: contactForm7,
  elementor,
  wpforms,
  gravityforms,
};

/** Contact Form 7 tags a form author did not rename: `<type>-<number>`. */
const CF7_AUTO_NAME = /^([a-z]+)-\d+$/;
const CF7_TYPES: Readonly<Record<string, string>> = { email: 'email', tel: 'phone', textarea: 'message', url: 'page_url' };

/**
 * "CF7 to Webhook": a JSON object of the form's tag names (`your-email`, `tel-123`, `acceptance-rodo`).
 * Auto-named tags count by their type, acceptance tags are consents.
 */
function contactForm7(fields: BodyFields, mapping: Readonly<Record<string, string>>): BodyFields {
  const out: BodyFields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (Object.hasOwn(mapping, name)) {
      out[name] = value;
      continue;
    }
    const acceptance = /^acceptance-(.+)$/.exec(name);
    const auto = CF7_AUTO_NAME.exec(name);
    if (acceptance) add(out, `consent_${normaliseFieldName(acceptance[1] ?? '')}`, value);
    else if (auto && Object.hasOwn(CF7_TYPES, auto[1] ?? '')) add(out, CF7_TYPES[auto[1]!]!, value);
    else add(out, name, value);
  }
  return out;
}

/** What Elementor sends beside the fields and nobody needs in a CRM (the visitor's IP and browser, the plugin's credit line). */
const ELEMENTOR_META_DROPPED = new Set(['date', 'time', 'user_agent', 'remote_ip', 'credit', 'powered_by', 'form_id']);

/**
 * Elementor translates its metadata labels with the site's language. The visitor's IP and browser must never
 * reach the CRM whatever the language, so they are also known by their values: a bare IP address under a label
 * that says "IP", a browser's user-agent string, the credit line "Elementor" under a "powered by" label.
 */
const IP_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})$/i;
const USER_AGENT = /^(?:Mozilla|Opera|Dalvik|curl|Wget)\/\d|^[\w.-]+\/[\d.]+ \(.*\) /;
const CREDIT_LABEL = /(?:^|_)(?:powered|przez)(?:_|$)/;

/** "Page URL" in Polish, as Elementor's metadata line may be translated; read only from Elementor's posts. */
const ELEMENTOR_PAGE_URL_LABELS = new Set(['adres_url_strony', 'url_strony', 'adres_strony']);

/** Elementor's label for a field without one: `No Label <id>` (`get_formatted_data`). */
const ELEMENTOR_NO_LABEL = /^No Label (\S+)$/;

/** Field types whose value is the lead field whatever the label says (for a field its id and label leave unmapped). */
const ELEMENTOR_TYPES: Readonly<Record<string, string>> = { email: 'email', tel: 'phone' };

/**
 * Elementor Pro Forms' Webhook action, form-urlencoded. "Advanced Data" on: `fields[<id>][value]` with
 * `[title]` (the label) and `[type]`, `meta[page_url][value]`, `form[name]`; off: `<Label>=<value>` plus
 * `form_id`, `form_name` and labelled metadata ("Page URL", "Remote IP"…, in the site's language).
 * A field whose id means nothing (`field_3f2a1b`) is read by its label, else by its type (the first
 * `email` and `tel` field); acceptance fields are consents.
 */
function elementor(fields: BodyFields, mapping: Readonly<Record<string, string>>, settings: Pick<FormSettings, 'consents' | 'required'>): BodyFields {
  const out: BodyFields = {};
  const consents = configuredConsents(settings);
  const targets = fieldTargets(mapping);
  const targetOf = (name: string) => targets(name).target;
  const advanced = new Map<string, { value?: string | string[]; title?: string; type?: string }>();
  for (const [name, value] of Object.entries(fields)) {
    const nested = /^(fields|meta|form)\[([^\]]*)\](?:\[([^\]]*)\])?$/.exec(name);
    if (!nested) {
      const kept = elementorLabelled(name, value, mapping, targetOf, consents);
      if (kept !== undefined) add(out, kept, value);
      continue;
    }
    const [, group, id = '', sub] = nested;
    if (group === 'form') {
      if (id === 'name') add(out, 'form_name', value);
      continue;
    }
    if (group === 'meta') {
      if (id === 'page_url' && sub === 'value') add(out, 'page_url', value);
      continue;
    }
    const entry = advanced.get(id) ?? {};
    const text = Array.isArray(value) ? value.at(-1) : value;
    if (sub === 'value') entry.value = value;
    else if (sub === 'title') entry.title = text;
    else if (sub === 'type') entry.type = text;
    else if (sub === 'raw_value' && entry.value === undefined) entry.value = value;
    advanced.set(id, entry);
  }

  // The lead fields a field's id or label already claims: its type then names only a field still unclaimed.
  const named = new Map<string, string>();
  const claimed = new Set<string>();
  for (const [id, entry] of advanced) {
    if (entry.value === undefined || entry.type === 'acceptance') continue;
    const byId = targetOf(id);
    const byTitle = entry.title ? targetOf(entry.title) : undefined;
    if (byId === undefined && byTitle === undefined) continue;
    named.set(id, byId !== undefined || !entry.title ? id : entry.title);
    if (hasText(entry.value)) claimed.add((byId ?? byTitle)!);
  }
  for (const [id, entry] of advanced) {
    if (entry.value === undefined) continue;
    if (entry.type === 'acceptance') {
      add(out, `consent_${normaliseFieldName(id)}`, entry.value);
      if (entry.title) add(out, `consent_${normaliseFieldName(id)}_text`, entry.title);
      continue;
    }
    const byType = !named.has(id) && entry.type !== undefined && Object.hasOwn(ELEMENTOR_TYPES, entry.type) ? ELEMENTOR_TYPES[entry.type]! : undefined;
    if (byType !== undefined && !claimed.has(byType) && hasText(entry.value)) {
      claimed.add(byType);
      add(out, byType, entry.value);
      continue;
    }
    // A second e-mail or phone field keeps its label, so it is listed with the other fields.
    add(out, named.get(id) ?? (entry.title || id), entry.value);
  }
  return out;
}

/**
 * The name a field of Elementor's body of labels (no "Advanced Data") is kept under, or undefined when it is
 * metadata nobody needs. A field the form's `mapping` names is always kept as sent.
 */
function elementorLabelled(
  name: string, value: string | string[], mapping: Readonly<Record<string, string>>, targetOf: (name: string) => string | undefined, consents: ConfiguredConsents,
): string | undefined {
  if (Object.hasOwn(mapping, name)) return name;
  const normalised = normaliseFieldName(name);
  if (ELEMENTOR_META_DROPPED.has(normalised)) return undefined;
  if (targetOf(name) !== undefined) return name;
  const text = (Array.isArray(value) ? value.at(-1) : value)?.trim() ?? '';
  if (IP_ADDRESS.test(text) && normalised.split('_').includes('ip')) return undefined;
  if (USER_AGENT.test(text)) return undefined;
  if (text === 'Elementor' && CREDIT_LABEL.test(normalised)) return undefined;
  if (ELEMENTOR_PAGE_URL_LABELS.has(normalised) && /^https?:\/\//i.test(text)) return 'page_url';
  // An unlabelled field is sent as `No Label <id>`: its id may be meaningful (`email`, `zgoda_rodo`) or mapped.
  const id = ELEMENTOR_NO_LABEL.exec(name)?.[1];
  if (id !== undefined && targetOf(id) !== undefined) return id;
  // Without "Advanced Data" an acceptance field has no type: it is known by the consent the settings name
  // with its id (`No Label rodo` and `"required": ["consent_rodo"]`) or whose text its label is.
  const consent = id !== undefined && consents.names.has(normaliseFieldName(id)) ? normaliseFieldName(id) : consents.byText.get(normalised);
  if (consent !== undefined) return `${CONSENT_PREFIX}${consent}`;
  return name;
}

type ConfiguredConsents = { names: ReadonlySet<string>; byText: ReadonlyMap<string, string> };

/** The consents a form's settings name (`consents`, `consent_*` in `required`), and by their (normalised) text. */
function configuredConsents(settings: Pick<FormSettings, 'consents' | 'required'>): ConfiguredConsents {
  const names = new Set(Object.keys(settings.consents));
  for (const field of settings.required.flat()) if (field.startsWith(CONSENT_PREFIX)) names.add(field.slice(CONSENT_PREFIX.length));
  const byText = new Map<string, string>();
  for (const [name, consent] of Object.entries(settings.consents)) if (consent.text) byText.set(normaliseFieldName(consent.text), name);
  return { names, byText };
}

function hasText(value: string | string[]): boolean {
  return [value].flat().some((v) => v.trim() !== '');
}

/** WPForms joins a field's several values with a newline, or with `||` when the Webhooks add-on sends them. */
const CHOICE_SEPARATOR = /\r?\n|\|\|/;

/**
 * WPForms' Webhooks add-on: the keys chosen under "Request Body", each with a field's value. Choices of
 * a checkbox or multiple select field come one per line or joined with `||`; they are kept as a list.
 */
function wpforms(fields: BodyFields): BodyFields {
  const out: BodyFields = {};
  for (const [name, value] of Object.entries(fields)) {
    const values = (Array.isArray(value) ? value : [value]).flatMap((v) => (CHOICE_SEPARATOR.test(v) ? v.split(CHOICE_SEPARATOR).map((s) => s.trim()).filter(Boolean) : [v]));
    add(out, name, values.length === 1 ? values[0]! : values);
  }
  return out;
}

/** The entry's own properties in Gravity Forms' "All Fields" body: not what the person typed. */
const GRAVITY_ENTRY_PROPERTIES = new Set([
  'id', 'form_id', 'post_id', 'date_created', 'date_updated', 'is_starred', 'is_read', 'ip', 'user_agent', 'currency',
  'payment_status', 'payment_date', 'payment_amount', 'payment_method', 'transaction_id', 'transaction_type', 'is_fulfilled',
  'created_by', 'status', 'source_id', 'is_approved',
]);

/**
 * Gravity Forms' Webhooks add-on: "All Fields" sends the entry, keyed by field id (`2`, and `1.3`/`1.6` for
 * the parts of a Name field), beside the entry's own properties; "Select Fields" sends the keys chosen.
 * Field ids mean nothing by themselves: map them in the form's `mapping` (`{"1.3": "first_name"}`).
 */
function gravityforms(fields: BodyFields): BodyFields {
  const out: BodyFields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (GRAVITY_ENTRY_PROPERTIES.has(name)) continue;
    add(out, name === 'source_url' ? 'page_url' : name, value);
  }
  return out;
}

const REFUSED = new Set(['', '0', 'off', 'no', 'nie', 'false']);

/**
 * Builders send a ticked consent as the text agreed to (WPForms' GDPR field) or as a label: such a value
 * counts as ticked, and the text is kept as the consent's text. An empty or negative value stays not given.
 */
function consentsAsTicks(fields: BodyFields, mapping: Readonly<Record<string, string>>): BodyFields {
  const out: BodyFields = { ...fields };
  for (const [name, value] of Object.entries(fields)) {
    const target = mapping[name] ?? aliasOf(normaliseFieldName(name));
    if (!target?.startsWith('consent_') || target.endsWith('_text') || target.endsWith('_version')) continue;
    const text = (Array.isArray(value) ? value.at(-1) : value)?.trim() ?? '';
    if (isTicked(text) || REFUSED.has(text.toLowerCase())) continue;
    out[name] = '1';
    if (out[`${target}_text`] === undefined) out[`${target}_text`] = text;
  }
  return out;
}

function add(fields: BodyFields, name: string, value: string | string[]): void {
  const current = fields[name];
  fields[name] = current === undefined ? value : [current, value].flat();
}
