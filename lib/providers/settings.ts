import * as v from 'valibot';
import { MODULES } from '../csmart/modules.ts';
import { DEFAULT_ENRICH_MODE, ENRICH_MODES, type EnrichMode } from '../enrichment/modes.ts';
import { FormSettingsError } from '../mapping/errors.ts';
import { parseFormSettings } from '../mapping/form-settings.ts';
import { ProviderConfigError } from './errors.ts';
import { problemsOf } from './shared/validate.ts';

/** Where a Typeform answer goes: an Accounts field, a part of the person's name, or nowhere. */
export const TYPEFORM_TARGETS = [...MODULES.Accounts.fields, 'first_name', 'last_name', 'full_name', 'ignore'] as const;
export type TypeformTarget = (typeof TYPEFORM_TARGETS)[number];

/** Per-source options, every one with its default filled in. Each source reads the ones it uses. */
export type SourceSettings = {
  /** Events status of a booked meeting. */
  openStatus: string;
  /** Events status of a cancelled meeting. */
  closedStatus: string;
  /** Events `type`; CSMART's default ("zadanie") when absent. */
  taskType: string | undefined;
  /** How far a signed timestamp may be from our clock (Calendly, Standard Webhooks). */
  toleranceSeconds: number;
  /** Accounts `source` (acquisition source) for clients created from this sender. */
  accountSource: string | undefined;
  /** Typeform: answer field `ref` → target, for every form. */
  fieldMap: Record<string, TypeformTarget>;
  /** Typeform: form id → (field `ref` → target); wins over `fieldMap`. */
  formFieldMaps: Record<string, Record<string, TypeformTarget>>;
  /** WooCommerce: the order meta key that holds the buyer's NIP. */
  nipMetaKey: string;
  /** WooCommerce: Opportunities `status` of a new order. */
  opportunityStatus: string | undefined;
  /** WooCommerce: Opportunities `source`. */
  opportunitySource: string | undefined;
  /** How the worker fills clients in from the VAT register by their NIP. */
  enrich: EnrichMode;
  /** Google Ads, Meta: lead form settings (mapping, defaults, required, followUps, matchPolicy…), as for `POST /leads/{form}`. */
  lead: Record<string, unknown>;
  /** Google Ads: deliver leads marked `is_test` to CSMART too (default: validated, then only answered). */
  deliverTestLeads: boolean;
  /** Meta: the token typed into the app's Webhooks settings, answered in the subscription handshake. */
  verifyToken: string | undefined;
};

const BASE: SourceSettings = {
  openStatus: 'nowe',
  closedStatus: 'zamknięte',
  taskType: undefined,
  toleranceSeconds: 300,
  accountSource: undefined,
  fieldMap: {},
  formFieldMaps: {},
  nipMetaKey: '_billing_nip',
  opportunityStatus: undefined,
  opportunitySource: undefined,
  enrich: DEFAULT_ENRICH_MODE,
  lead: {},
  deliverTestLeads: false,
  verifyToken: undefined,
};

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const refMap = v.record(text(200), v.picklist(TYPEFORM_TARGETS));

const TASK = {
  openStatus: v.optional(text(100), BASE.openStatus),
  closedStatus: v.optional(text(100), BASE.closedStatus),
  taskType: v.optional(text(100)),
};
const tolerance = (seconds: number) => ({
  toleranceSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600)), seconds),
});

const ENRICH = { enrich: v.optional(v.picklist(ENRICH_MODES), DEFAULT_ENRICH_MODE) };

// Lead settings of the ad platforms: exactly what a lead form's settings accept, checked by the same parser.
const leadSettings = v.pipe(
  v.record(v.string(), v.unknown()),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    try {
      parseFormSettings('lead', dataset.value);
    } catch (error) {
      if (!(error instanceof FormSettingsError)) throw error;
      for (const problem of error.problems) addIssue({ message: `${problem.setting ? `${problem.setting} ` : ''}${problem.message}` });
    }
  }),
);

// Strict objects: a misspelt setting is an error naming it, not a silently ignored key.
function settingsOf<E extends v.ObjectEntries>(entries: E) {
  return v.pipe(v.strictObject({ ...ENRICH, ...entries }), v.transform((given): SourceSettings => ({ ...BASE, ...given })));
}

export const CALENDLY_SETTINGS = settingsOf({ ...TASK, ...tolerance(180) });
export const CALCOM_SETTINGS = settingsOf({ ...TASK });
export const TYPEFORM_SETTINGS = settingsOf({
  accountSource: v.optional(text(100)),
  fieldMap: v.optional(refMap, {}),
  formFieldMaps: v.optional(v.record(text(100), refMap), {}),
});
export const WOOCOMMERCE_SETTINGS = settingsOf({
  accountSource: v.optional(text(100)),
  nipMetaKey: v.optional(text(200), BASE.nipMetaKey),
  opportunityStatus: v.optional(text(100)),
  opportunitySource: v.optional(text(100)),
});
export const STANDARD_SETTINGS = settingsOf({ ...TASK, ...tolerance(300), accountSource: v.optional(text(100)) });
export const GOOGLE_ADS_SETTINGS = settingsOf({
  lead: v.optional(leadSettings, {}),
  deliverTestLeads: v.optional(v.boolean(), false),
});
export const META_SETTINGS = settingsOf({
  lead: v.optional(leadSettings, {}),
  verifyToken: v.optional(text(200)),
});

export type SettingsSchema = typeof CALENDLY_SETTINGS | typeof CALCOM_SETTINGS | typeof TYPEFORM_SETTINGS
  | typeof WOOCOMMERCE_SETTINGS | typeof STANDARD_SETTINGS | typeof GOOGLE_ADS_SETTINGS | typeof META_SETTINGS;

/** The settings schema of a source: the named senders have their own, any other name uses Standard Webhooks'. */
export function settingsSchemaFor(source: string): SettingsSchema {
  switch (source) {
    case 'calendly': return CALENDLY_SETTINGS;
    case 'calcom': return CALCOM_SETTINGS;
    case 'typeform': return TYPEFORM_SETTINGS;
    case 'woocommerce': return WOOCOMMERCE_SETTINGS;
    case 'google-ads': return GOOGLE_ADS_SETTINGS;
    case 'meta': return META_SETTINGS;
    default: return STANDARD_SETTINGS;
  }
}

/**
 * Validates a source's settings (JSON loaded from SSM; absent = all defaults). Throws a
 * `ProviderConfigError` whose message and `problems` name each bad setting.
 */
export function parseSourceSettings(source: string, input: unknown = {}): SourceSettings {
  const result = v.safeParse(settingsSchemaFor(source), input ?? {});
  if (result.success) return result.output;
  const problems = problemsOf(result.issues, 'settings');
  const names = [...new Set(problems.map((p) => p.field))].join(', ');
  throw new ProviderConfigError('invalid_settings', `Settings of webhook source "${source}" are invalid: ${names}.`, problems);
}

export function defaultSettings(source: string): SourceSettings {
  return parseSourceSettings(source, {});
}
