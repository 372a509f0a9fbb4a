import { WebhookSignatureError } from '../errors.ts';
import { anySignatureMatches, fromBase64 } from '../shared/hmac.ts';

/** The signing key of a Standard Webhooks secret: the base64 after the `whsec_` prefix, decoded. */
export function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * The three headers of one delivery: `webhook-*` (the spec's names), else `svix-*`. Svix sends its own
 * names unless the account pays to rename them, and its verifier accepts either set; the scheme is the same.
 * A set is used only when complete, so a stray header of the other set cannot mix in.
 */
function signedHeaders(headers: Record<string, string | undefined>): { id: string; timestamp: string; header: string } | undefined {
  for (const prefix of ['webhook', 'svix']) {
    const id = headers[`${prefix}-id`]?.trim();
    const timestamp = headers[`${prefix}-timestamp`]?.trim();
    const header = headers[`${prefix}-signature`]?.trim();
    if (id && timestamp && header) return { id, timestamp, header };
  }
  return undefined;
}

/**
 * Standard Webhooks: `webhook-signature` holds space-separated `v1,<base64>` entries (several during
 * the sender's rotation), each HMAC-SHA256(key, `id.timestamp.body`); `webhook-timestamp` must be
 * within the tolerance of our clock. Returns the `webhook-id`, the sender's message id. Svix's
 * `svix-id`, `svix-timestamp`, `svix-signature` are accepted as the same headers.
 */
export function verifyStandardSignature(
  headers: Record<string, string | undefined>, rawBody: Buffer, secrets: readonly string[], now: Date, toleranceSeconds: number,
): string {
  const signed = signedHeaders(headers);
  if (!signed) throw new WebhookSignatureError('signature_missing');
  const { id, timestamp, header } = signed;
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookSignatureError('signature_invalid');

  const signatures = header.split(/\s+/).flatMap((entry) => {
    const comma = entry.indexOf(',');
    // Other versions (v1a: asymmetric) are not ours to check; skip them as the spec says.
    const bytes = comma > 0 && entry.slice(0, comma) === 'v1' ? fromBase64(entry.slice(comma + 1)) : undefined;
    return bytes ? [bytes] : [];
  });
  const keys = secrets.map(standardKey);
  if (signatures.length === 0 || !anySignatureMatches(keys, [id, '.', timestamp, '.', rawBody], signatures)) {
    throw new WebhookSignatureError('signature_invalid');
  }
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) throw new WebhookSignatureError('timestamp_stale');
  return id;
}
