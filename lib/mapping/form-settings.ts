import * as v from 'valibot';
import { MODULES } from '../csmart/modules.ts';
import { DEFAULT_ENRICH_MODE, ENRICH_MODES } from '../intake/enrich-modes.ts';
import { FORM_PRESETS } from './presets.ts';
import { HOLIDAY_CALENDARS } from './business-days.ts';
import { FormSettingsError } from './errors.ts';
import type { SettingProblem } from './errors.ts';
import { isLeadFieldName } from './lead-fields.ts';
import { POLISH_MOBILE_PREFIXES } from './phone.ts';
import { unknownPlaceholders } from './template.ts';

/** The form used by `POST /leads`, and when a form has no settings of its own. */
export const DEFAULT_FORM_NAME = 'default';

/** Form names as they appear in `POST /leads/{form}` and in SSM `<prefix>forms/<form>`. */
export const FORM_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const LEAD_FIELD_HINT = 'company, first_name, last_name, name, email, phone, nip, address, postal_code, city, country, message, page_url, referrer, consent_<name>, utm_<name>';

const text = v.string('must be text');
const nonEmptyText = v.pipe(text, v.trim(), v.nonEmpty('must not be empty'));
const flag = v.boolean('must be true or false');
/** CSMART takes every value as text; numbers in the JSON (payment_days: 14) are sent as written. */
const textOrNumber = v.union([text, v.pipe(v.number(), v.transform(String))], 'must be text or a number');

const leadField = v.pipe(text, v.check(isLeadFieldName, `must be a lead field (${LEAD_FIELD_HINT})`));

const template = v.pipe(
  text,
  v.check((t) => unknownPlaceholders(t).length === 0, (issue) => `uses an unknown placeholder {${unknownPlaceholders(String(issue.input))[0]}}`),
);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/** https, or http on the local machine (the local stack and the example form run there). */
function isWebUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

const origin = v.pipe(
  text,
  v.transform((s) => s.trim().toLowerCase().replace(/\/$/, '')),
  v.check((s) => URL.canParse(s) && isWebUrl(new URL(s)) && new URL(s).origin === s, 'must be an https origin such as https://www.example.pl (no path)'),
);

const webUrl = v.pipe(text, v.trim(), v.check((s) => URL.canParse(s) && isWebUrl(new URL(s)), 'must be an absolute https URL'));

/** An optional entry per field, so settings name CSMART fields exactly as the module table does. */
function fieldsOf<F extends string, S extends v.GenericSchema<unknown, string>>(fields: readonly F[], schema: S) {
  const entries = {} as Record<F, v.OptionalSchema<S, undefined>>;
  for (const field of fields) entries[field] = v.optional(schema);
  return entries;
}

const accountDefaults = v.strictObject(fieldsOf(MODULES.Accounts.fields, textOrNumber), 'must be an object of CSMART Accounts fields');

/** `HH:MM`, 00:00–23:59. */
const clockTime = v.pipe(text, v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00'));

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Filled in by the mapping (name, description) or by the worker from the client (account_*). */
type DerivedOpportunityField = 'name' | 'description' | 'account_id' | 'account_name';
const SETTABLE_OPPORTUNITY_FIELDS = MODULES.Opportunities.fields.filter(
  (f): f is Exclude<typeof f, DerivedOpportunityField> => !['name', 'description', 'account_id', 'account_name'].includes(f),
);
// Templates work in every text field, so a status or source can carry the form's name or a UTM value.
const templateOrNumber = v.union([template, v.pipe(v.number(), v.transform(String))], 'must be text or a number');

const opportunityFollowUp = v.strictObject({
  name: v.optional(template, 'Enquiry: {name}'),
  ...fieldsOf(SETTABLE_OPPORTUNITY_FIELDS, templateOrNumber),
  /** final_date = the day of the submission (CRM time) + this many days. */
  closeInDays: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be 0 or more'), v.maxValue(3650, 'must be at most 3650'))),
}, 'must be an object of opportunity settings');

const taskFollowUp = v.pipe(
  v.strictObject({
    name: v.optional(v.pipe(template, v.trim(), v.nonEmpty('must not be empty (CSMART requires a task subject)')), 'Contact the lead: {name}'),
    type: v.optional(template),
    status: v.optional(template),
    /** The task starts on the next business day at this time, CRM wall clock. */
    time: v.optional(clockTime, '09:00'),
    durationMinutes: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')), 30),
    holidays: v.optional(v.picklist(HOLIDAY_CALENDARS, `must be one of ${HOLIDAY_CALENDARS.join(', ')}`), 'PL'),
  }, 'must be an object of task settings'),
  v.forward(v.check((t) => minutesOf(t.time) + t.durationMinutes < 24 * 60, 'must end the task before midnight of its day'), ['durationMinutes']),
);

const requiredEntry = v.union([
  v.pipe(leadField, v.transform((f) => [f])),
  v.pipe(v.array(leadField), v.minLength(1, 'must name at least one field')),
], `must be a lead field or a list of lead fields of which one is enough (${LEAD_FIELD_HINT})`);

const consentName = v.pipe(text, v.regex(/^[a-z0-9_]+$/, 'must be a consent name in lower case, such as rodo'));

const FormSettingsSchema = v.strictObject({
  /** Form field name → lead field, for names the default aliases do not know. */
  mapping: v.optional(v.record(text, leadField, 'must be an object of form field → lead field'), {}),
  /** CSMART Accounts fields set on every client from this form (category, source, au, gr, client_no…). */
  defaults: v.optional(accountDefaults, {}),
  /** Every entry must be present; a list means one of its fields is enough. `consent_<name>` entries must be ticked. */
  required: v.optional(v.array(requiredEntry, 'must be a list'), [['email', 'phone']]),
  /** Text and version of each consent, recorded with it; the form may also send `consent_<name>_text`. */
  consents: v.optional(v.record(consentName, v.strictObject({ text: v.optional(text), version: v.optional(text) }, 'must be an object with text and version'), 'must be an object of consents'), {}),
  /** Record consents that were not ticked as "not given" (never as given). */
  recordConsentsNotGiven: v.optional(flag, true),
  followUps: v.optional(v.strictObject({ opportunity: v.optional(opportunityFollowUp), task: v.optional(taskFollowUp) }, 'must be an object with opportunity and task'), {}),
  /** Origins allowed to post; empty = any. */
  allowedOrigins: v.optional(v.array(origin, 'must be a list of origins'), []),
  thankYouUrl: v.optional(webUrl),
  errorUrl: v.optional(webUrl),
  /** A hidden input people leave empty and bots fill in. */
  honeypot: v.optional(nonEmptyText, '_gotcha'),
  /** Posts sooner than this after the page loaded (the form's `_ts`, unix ms) are spam; 0 turns the check off. */
  minSecondsToSubmit: v.optional(v.pipe(v.number('must be a number'), v.minValue(0, 'must be 0 or more'), v.maxValue(3600, 'must be at most 3600')), 3),
  /** A post without a readable `_ts` is spam. Unset: required exactly when Turnstile is enabled (its widget needs the script that sets `_ts`). */
  requireTimestamp: v.optional(flag),
  /**
   * An existing client (same NIP or e-mail): `keep` leaves it as it is, `update` writes the lead's fields over it.
   * `keep` by default: anyone can type someone's NIP into a public form, and it must not overwrite what sales staff entered.
   */
  matchPolicy: v.optional(v.picklist(['update', 'keep'], 'must be update or keep'), 'keep'),
  turnstile: v.optional(v.strictObject({
    enabled: v.optional(flag, false),
    verifyUrl: v.optional(webUrl),
  }, 'must be an object with enabled and verifyUrl (the secret is SSM <prefix>secrets/turnstile)'), {}),
  /** CSMART's values for Accounts `type` are not documented ("Osoba/firma"); empty text leaves `type` unset. */
  typeValues: v.optional(v.strictObject({ company: v.optional(text, 'firma'), person: v.optional(text, 'osoba') }, 'must be an object with company and person'), {}),
  /** Fill the client in from the VAT register by the lead's NIP (in the worker): off, fill-empty or prefer-register. */
  enrich: v.optional(v.picklist(ENRICH_MODES, `must be one of ${ENRICH_MODES.join(', ')}`), DEFAULT_ENRICH_MODE),
  /** The WordPress form builder that posts to this form, whose webhook shape is then understood. */
  preset: v.optional(v.picklist(FORM_PRESETS, `must be one of ${FORM_PRESETS.join(', ')}`)),
  /** International prefixes of mobile numbers, which go to phone_mobile instead of phone_office. */
  mobilePrefixes: v.optional(v.array(v.pipe(text, v.regex(/^\+\d{1,8}$/, 'must be an international prefix such as +4860')), 'must be a list'), POLISH_MOBILE_PREFIXES),
}, 'must be a JSON object of form settings');

export type FormSettings = v.InferOutput<typeof FormSettingsSchema>;
export type TaskFollowUp = NonNullable<FormSettings['followUps']['task']>;
export type OpportunityFollowUp = NonNullable<FormSettings['followUps']['opportunity']>;

/**
 * Validates a form's settings (the JSON text of its SSM parameter, or the value already parsed) and fills
 * in the defaults. Throws a `FormSettingsError` naming the form and every setting at fault.
 */
export function parseFormSettings(formName: string, json: unknown): FormSettings {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch {
      throw new FormSettingsError(formName, [{ setting: '', message: 'the settings are not valid JSON' }]);
    }
  }
  // valibot's object schemas take arrays for objects (with keys "0", "1"…); that would name the wrong problem.
  if (Array.isArray(data)) throw new FormSettingsError(formName, [{ setting: '', message: 'must be a JSON object of form settings' }]);
  const result = v.safeParse(FormSettingsSchema, data);
  if (result.success) return result.output;
  throw new FormSettingsError(formName, result.issues.map(toProblem));
}

/** The form behind `POST /leads`: the defaults, and a follow-up task so that every enquiry reaches someone. */
export const DEFAULT_FORM_SETTINGS: FormSettings = deepFreeze(parseFormSettings(DEFAULT_FORM_NAME, { followUps: { task: {} } }));

// Shared by every request of a warm Lambda: nobody may change it in passing.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Whether a request's Origin may post to a form; requests without one (servers, curl) are not browsers to restrict. */
export function isOriginAllowed(settings: Pick<FormSettings, 'allowedOrigins'>, requestOrigin: string | undefined): boolean {
  if (settings.allowedOrigins.length === 0 || requestOrigin === undefined) return true;
  return settings.allowedOrigins.includes(requestOrigin.trim().replace(/\/$/, '').toLowerCase());
}

function toProblem(issue: v.BaseIssue<unknown>): SettingProblem {
  const keys = (issue.path ?? []).map((item) => item.key);
  const setting = keys.map((key, i) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `${i === 0 ? '' : '.'}${String(key)}` : `[${JSON.stringify(String(key))}]`)).join('');
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    return { setting, message: keys[0] === 'defaults' ? 'is not a field of CSMART Accounts' : 'is not a known setting' };
  }
  return { setting, message: issue.message };
}
