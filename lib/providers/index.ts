import type { Provider } from './types.ts';
import { isValidSourceName } from './source-name.ts';
import { calendlyProvider } from './calendly/provider.ts';
import { calcomProvider } from './calcom/provider.ts';
import { typeformProvider } from './typeform/provider.ts';
import { woocommerceProvider } from './woocommerce/provider.ts';
import { standardProvider } from './standard/provider.ts';
import { googleAdsProvider } from './google-ads/provider.ts';
import { metaProvider } from './meta/provider.ts';

export type { Provider, ProviderContext, ProviderResult, WebhookRequest } from './types.ts';
export type { SourceSettings, SettingsSchema, TypeformTarget } from './settings.ts';
export {
  CALCOM_SETTINGS, CALENDLY_SETTINGS, GOOGLE_ADS_SETTINGS, META_SETTINGS, STANDARD_SETTINGS, TYPEFORM_SETTINGS, TYPEFORM_TARGETS, WOOCOMMERCE_SETTINGS,
  defaultSettings, parseSourceSettings, settingsSchemaFor,
} from './settings.ts';
export { ProviderConfigError, SIGNATURE_ERROR_CODES, SignatureError } from './errors.ts';
export type { ProviderConfigErrorCode, SignatureErrorCode } from './errors.ts';
export { STANDARD_EVENT_TYPES } from './standard/events.ts';
export { parseSecretValue, splitSecrets } from './shared/secrets.ts';
export { isValidSourceName };

const NAMED: Record<string, Provider> = {
  calendly: calendlyProvider,
  calcom: calcomProvider,
  typeform: typeformProvider,
  woocommerce: woocommerceProvider,
  'google-ads': googleAdsProvider,
  meta: metaProvider,
};
/** The adapter of a source: a named sender, or Standard Webhooks for any other valid source name. */
export function providerFor(source: string): Provider {
  if (!isValidSourceName(source)) throw new RangeError('Not a valid webhook source name.');
  return Object.hasOwn(NAMED, source) ? NAMED[source]! : standardProvider;
}
