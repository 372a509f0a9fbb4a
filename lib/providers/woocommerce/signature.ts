import { WebhookSignatureError } from '../errors.ts';
import { verifyBodySignature } from '../shared/body-signature.ts';
import { fromBase64 } from '../shared/hmac.ts';

export const WOOCOMMERCE_SIGNATURE_HEADER = 'x-wc-webhook-signature';

/** WooCommerce: `X-WC-Webhook-Signature` = base64 HMAC-SHA256(secret, raw body). The scheme has no timestamp. */
export function verifyWoocommerceSignature(headers: Record<string, string | undefined>, rawBody: Buffer, secrets: readonly string[]): void {
  const header = headers[WOOCOMMERCE_SIGNATURE_HEADER]?.trim();
  if (!header) throw new WebhookSignatureError('signature_missing');
  const signature = fromBase64(header);
  verifyBodySignature(signature, rawBody, secrets);
}
