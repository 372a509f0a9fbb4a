import { WebhookSignatureError } from '../errors.ts';
import { verifyBodySignature } from '../shared/body-signature.ts';
import { fromBase64 } from '../shared/hmac.ts';
import { sanitizeTextField, specialcharsDecode } from './wordpress-text.ts';

export const WOOCOMMERCE_SIGNATURE_HEADER = 'x-wc-webhook-signature';

/** WooCommerce: `X-WC-Webhook-Signature` = base64 HMAC-SHA256(secret, raw body). The scheme has no timestamp. */
export function verifyWoocommerceSignature(headers: Record<string, string | undefined>, rawBody: Buffer, secrets: readonly string[]): void {
  const header = headers[WOOCOMMERCE_SIGNATURE_HEADER]?.trim();
  if (!header) throw new WebhookSignatureError('signature_missing');
  const signature = fromBase64(header);
  verifyBodySignature(signature, rawBody, signingKeys(secrets));
}

/**
 * Each stored secret as stored, and as WooCommerce keys the HMAC with it: `wp_specialchars_decode` of the
 * secret, and of `sanitize_text_field(secret)`, which is what a re-save of the webhook form stores (tags,
 * `%xx` octets and runs of white space dropped). The copy in SSM keeps working after such a re-save.
 */
function signingKeys(secrets: readonly string[]): string[] {
  const keys = secrets.flatMap((secret) => [secret, specialcharsDecode(secret), specialcharsDecode(sanitizeTextField(secret))]);
  // An empty key is never a secret (a value of tags only sanitises to nothing).
  return [...new Set(keys)].filter((key) => key.trim().length > 0);
}
