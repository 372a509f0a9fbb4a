import * as v from 'valibot';
import type { Provider } from './types.ts';
import type { SourceSettings } from './shared/source-settings.ts';
import { WebhookSettingsError } from './errors.ts';
import { problemsOf } from './shared/validate.ts';
import { calendlyProvider } from './calendly/provider.ts';
import { calcomProvider } from './calcom/provider.ts';
import { typeformProvider } from './typeform/provider.ts';
import { woocommerceProvider } from './woocommerce/provider.ts';
import { standardProvider } from './standard/provider.ts';
import { googleAdsProvider } from './google-ads/provider.ts';
import { metaProvider } from './meta/provider.ts';

export type { Provider, ProviderContext, ProviderResult, WebhookRequest } from './types.ts';
export type { SourceSettings, SettingsSchema } from './shared/source-settings.ts';
export { CALCOM_SETTINGS } from './calcom/settings.ts';
export { CALENDLY_SETTINGS } from './calendly/settings.ts';
export { GOOGLE_ADS_SETTINGS } from './google-ads/settings.ts';
export { META_SETTINGS } from './meta/settings.ts';
export { STANDARD_SETTINGS } from './standard/settings.ts';
export { TYPEFORM_SETTINGS, TYPEFORM_TARGETS, type TypeformTarget } from './typeform/settings.ts';
export { WOOCOMMERCE_SETTINGS } from './woocommerce/settings.ts';
export { WebhookSettingsError, WEBHOOK_SIGNATURE_ERROR_CODES, WebhookSignatureError } from './errors.ts';
export type { WebhookSettingsErrorCode, WebhookSignatureErrorCode } from './errors.ts';
export { STANDARD_EVENT_TYPES } from './standard/events.ts';
export { parseSecretValue, splitSecrets } from './shared/secrets.ts';

/**
 * The one registry of webhook sources: each named sender's adapter, which carries its settings schema.
 * Any other valid source name is a Standard Webhooks sender.
 */
const NAMED_PROVIDERS: Readonly<Record<string, Provider>> = {
  calendly: calendlyProvider,
  calcom: calcomProvider,
  typeform: typeformProvider,
  woocommerce: woocommerceProvider,
  'google-ads': googleAdsProvider,
  meta: metaProvider,
};

const SOURCE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Whether a path segment can name a webhook source (the caller answers 404 otherwise). */
export function isValidSourceName(source: string): boolean {
  return SOURCE_NAME.test(source);
}

/** Whether a source name is one of the senders with an adapter of their own, not a name of the customer's choice. */
export function isNamedSource(source: string): boolean {
  return Object.hasOwn(NAMED_PROVIDERS, source);
}

/** The adapter of a source: a named sender, or Standard Webhooks for any other valid source name. */
export function providerFor(source: string): Provider {
  if (!isValidSourceName(source)) throw new RangeError('Not a valid webhook source name.');
  return registered(source);
}

/** The settings schema of a source: the named senders have their own, any other name uses Standard Webhooks'. */
export function settingsSchemaFor(source: string) {
  return registered(source).settings;
}

/**
 * Validates a source's settings (JSON loaded from SSM; absent = all defaults). Throws a
 * `WebhookSettingsError` whose message and `problems` name each bad setting.
 */
export function parseSourceSettings(source: string, input: unknown = {}): SourceSettings {
  const result = v.safeParse(settingsSchemaFor(source), input ?? {});
  if (result.success) return result.output;
  const problems = problemsOf(result.issues, 'settings');
  const names = [...new Set(problems.map((p) => p.field))].join(', ');
  throw new WebhookSettingsError('invalid_settings', `Settings of webhook source "${source}" are invalid: ${names}.`, problems);
}

export function defaultSettings(source: string): SourceSettings {
  return parseSourceSettings(source, {});
}

function registered(source: string): Provider {
  return Object.hasOwn(NAMED_PROVIDERS, source) ? NAMED_PROVIDERS[source]! : standardProvider;
}
