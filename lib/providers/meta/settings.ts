import * as v from 'valibot';
import { leadSettings, settingsOf, text } from '../shared/source-settings.ts';

export const META_SETTINGS = settingsOf({
  lead: v.optional(leadSettings, {}),
  verifyToken: v.optional(text(200)),
});
