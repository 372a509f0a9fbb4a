import type { Provider } from '../types.ts';
import { META_SETTINGS } from './settings.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { answerChallenge } from './challenge.ts';
import { mapMetaNotification } from './map.ts';
import { verifyMetaSignature } from './signature.ts';

/** Meta Lead Ads: a signed Page notification with lead ids; the worker reads each lead from the Graph API. */
export const metaProvider: Provider = {
  name: 'meta',
  settings: META_SETTINGS,
  handle(req, ctx) {
    verifyMetaSignature(req.headers, req.rawBody, requireSecrets(ctx.secrets));
    return mapMetaNotification(parseJsonBody(req.rawBody), ctx.settings);
  },
  handshake(query, ctx) {
    return answerChallenge(query, ctx.settings.verifyToken);
  },
};
