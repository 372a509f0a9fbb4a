import type { Provider } from '../types.ts';
import { CALENDLY_SETTINGS } from './settings.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { verifyCalendlySignature } from './signature.ts';
import { mapCalendly } from './map.ts';

export const calendlyProvider: Provider = {
  name: 'calendly',
  settings: CALENDLY_SETTINGS,
  handle(req, ctx) {
    const secrets = requireSecrets(ctx.secrets);
    verifyCalendlySignature(req.headers, req.rawBody, secrets, ctx.now, ctx.settings.toleranceSeconds);
    return mapCalendly(parseJsonBody(req.rawBody), { source: req.source, timeZone: ctx.timeZone, settings: ctx.settings });
  },
};
