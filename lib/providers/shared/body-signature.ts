import { WebhookSignatureError } from '../errors.ts';
import { anySignatureMatches } from './hmac.ts';

/**
 * The body-only schemes (Cal.com, Typeform, WooCommerce): one HMAC-SHA256 over the raw body, keyed
 * with the secret's UTF-8 bytes, no timestamp. `signature` is the decoded header, undefined when malformed.
 */
export function verifyBodySignature(signature: Buffer | undefined, rawBody: Buffer, secrets: readonly string[]): void {
  const keys = secrets.map((secret) => Buffer.from(secret, 'utf8'));
  if (!signature || !anySignatureMatches(keys, [rawBody], [signature])) throw new WebhookSignatureError('signature_invalid');
}
