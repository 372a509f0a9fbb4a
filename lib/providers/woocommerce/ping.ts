import type { WebhookRequest } from '../types.ts';

const PING_BODY = /^webhook_id=\d{1,20}$/;

/**
 * WooCommerce's creation ping: form-encoded `webhook_id=N`, unsigned and without any X-WC-* header.
 * It must get exactly 200, or WooCommerce refuses to save the webhook. It triggers no work, so
 * answering it unsigned gives an outsider nothing.
 */
export function isCreationPing(req: WebhookRequest): boolean {
  const hasWooHeaders = Object.entries(req.headers).some(([name, value]) => name.startsWith('x-wc-webhook-') && value !== undefined);
  return !hasWooHeaders && req.rawBody.length <= 64 && PING_BODY.test(req.rawBody.toString('latin1').trim());
}
