import * as v from 'valibot';
import { leadSettings, settingsOf } from '../shared/source-settings.ts';

export const GOOGLE_ADS_SETTINGS = settingsOf({
  lead: v.optional(leadSettings, {}),
  deliverTestLeads: v.optional(v.boolean(), false),
});
