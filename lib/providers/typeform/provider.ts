import type { Provider } from '../types.ts';
import { TYPEFORM_SETTINGS } from './settings.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { verifyTypeformSignature } from './signature.ts';
import { mapTypeform } from './map.ts';

export const typeformProvider: Provider = {
  name: 'typeform',
  settings: TYPEFORM_SETTINGS,
  handle(req, ctx) {
    verifyTypeformSignature(req.headers, req.rawBody, requireSecrets(ctx.secrets));
    return mapTypeform(parseJsonBody(req.rawBody), { settings: ctx.settings });
  },
};
