import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from '../errors.ts';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Google signs nothing: the body carries the `google_key` typed into the lead form's webhook settings.
 * Compared in constant time (both sides hashed to equal length first); any configured key is accepted,
 * so a key can be rotated form by form.
 */
export function verifyGoogleKey(given: unknown, keys: readonly string[]): void {
  if (typeof given !== 'string' || given === '') throw new WebhookSignatureError('signature_missing');
  const presented = digest(given);
  let matched = false;
  for (const key of keys) if (timingSafeEqual(presented, digest(key))) matched = true;
  if (!matched) throw new WebhookSignatureError('signature_invalid');
}
