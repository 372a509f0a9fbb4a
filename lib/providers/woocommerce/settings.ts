import * as v from 'valibot';
import { BASE_SETTINGS, settingsOf, text } from '../shared/source-settings.ts';

export const WOOCOMMERCE_SETTINGS = settingsOf({
  accountSource: v.optional(text(100)),
  nipMetaKey: v.optional(text(200), BASE_SETTINGS.nipMetaKey),
  opportunityStatus: v.optional(text(100)),
  opportunitySource: v.optional(text(100)),
});
