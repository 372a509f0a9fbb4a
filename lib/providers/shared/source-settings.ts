import * as v from 'valibot';
import { DEFAULT_ENRICH_MODE, ENRICH_MODES, type EnrichMode } from '../../intake/enrich-modes.ts';
import { FormSettingsError } from '../../mapping/errors.ts';
import { parseFormSettings } from '../../mapping/form-settings.ts';
import type { TypeformTarget } from '../typeform/settings.ts';

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

/** A source's settings schema: the JSON stored for it in, every default filled in out. */
export type SettingsSchema = v.GenericSchema<unknown, SourceSettings>;

export const BASE_SETTINGS: Readonly<SourceSettings> = {
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

/** A trimmed, non-empty text of at most `max` characters. */
export const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

/** The settings of a source that books meetings: the statuses and type of its Events. */
export const TASK_SETTINGS = {
  openStatus: v.optional(text(100), BASE_SETTINGS.openStatus),
  closedStatus: v.optional(text(100), BASE_SETTINGS.closedStatus),
  taskType: v.optional(text(100)),
};

/** How far a signed timestamp may drift, with this source's default. */
export const toleranceSetting = (seconds: number) => ({
  toleranceSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600)), seconds),
});

const ENRICH = { enrich: v.optional(v.picklist(ENRICH_MODES), DEFAULT_ENRICH_MODE) };

/** Lead settings of the ad platforms: exactly what a lead form's settings accept, checked by the same parser. */
export const leadSettings = v.pipe(
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

/**
 * A source's settings schema from the entries it accepts (every source accepts `enrich`). Strict: a
 * misspelt setting is an error naming it, not a silently ignored key.
 */
export function settingsOf<E extends v.ObjectEntries>(entries: E): SettingsSchema {
  return v.pipe(v.strictObject({ ...ENRICH, ...entries }), v.transform((given): SourceSettings => ({ ...BASE_SETTINGS, ...given })));
}
