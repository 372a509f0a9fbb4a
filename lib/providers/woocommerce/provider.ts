import { InputValidationError } from '../../errors/refusal.ts';
import type { Provider } from '../types.ts';
import { WOOCOMMERCE_SETTINGS } from './settings.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { ignoredEvent } from '../shared/results.ts';
import { isCreationPing } from './ping.ts';
import { verifyWoocommerceSignature } from './signature.ts';
import { mapWoocommerceOrder } from './map.ts';

export const woocommerceProvider: Provider = {
  name: 'woocommerce',
  settings: WOOCOMMERCE_SETTINGS,
  handle(req, ctx) {
    if (isCreationPing(req)) return { outcome: 'ping' };
    verifyWoocommerceSignature(req.headers, req.rawBody, requireSecrets(ctx.secrets));

    const topic = req.headers['x-wc-webhook-topic']?.trim();
    if (!topic) throw new InputValidationError([{ code: 'required', field: 'x-wc-webhook-topic', message: 'The X-WC-Webhook-Topic header is required.' }]);
    if (topic !== 'order.created') return ignoredEvent('WooCommerce', topic);

    // PHP json_encode output (\/ and \uXXXX escapes): the signature was checked on these bytes, JSON.parse reads them.
    return mapWoocommerceOrder(parseJsonBody(req.rawBody), { source: req.source, settings: ctx.settings });
  },
};
