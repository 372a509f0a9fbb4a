import type { Provider } from '../types.ts';
import { GOOGLE_ADS_SETTINGS } from './settings.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { parseWith } from '../shared/validate.ts';
import { verifyGoogleKey } from './key.ts';
import { mapGoogleAdsLead } from './map.ts';
import { GoogleAdsLeadSchema, GoogleKeySchema } from './payload.ts';

/**
 * Google Ads lead form extensions: JSON with the form's `google_key` inside. The key is checked before
 * the lead is validated or mapped; test leads (`is_test`) are validated and mapped, then only answered,
 * unless the source's `deliverTestLeads` is set.
 */
export const googleAdsProvider: Provider = {
  name: 'google-ads',
  settings: GOOGLE_ADS_SETTINGS,
  handle(req, ctx) {
    const keys = requireSecrets(ctx.secrets);
    const body = parseJsonBody(req.rawBody);
    verifyGoogleKey(parseWith(GoogleKeySchema, body).google_key, keys);
    const lead = parseWith(GoogleAdsLeadSchema, body);
    const plan = mapGoogleAdsLead(lead, { settings: ctx.settings, now: ctx.now, timeZone: ctx.timeZone });
    if (lead.is_test && !ctx.settings.deliverTestLeads) return { outcome: 'ignored', reason: 'Google Ads test lead: valid, not delivered (deliverTestLeads is off)' };
    return { outcome: 'work', plan };
  },
};
