import type { Provider } from '../types.ts';
import { CALCOM_SETTINGS } from './settings.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { verifyCalcomSignature } from './signature.ts';
import { mapCalcom } from './map.ts';

export const calcomProvider: Provider = {
  name: 'calcom',
  settings: CALCOM_SETTINGS,
  handle(req, ctx) {
    verifyCalcomSignature(req.headers, req.rawBody, requireSecrets(ctx.secrets));
    return mapCalcom(parseJsonBody(req.rawBody), { source: req.source, timeZone: ctx.timeZone, settings: ctx.settings });
  },
};
