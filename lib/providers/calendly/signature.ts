import { WebhookSignatureError } from '../errors.ts';
import { anySignatureMatches, fromHex } from '../shared/hmac.ts';

export const CALENDLY_SIGNATURE_HEADER = 'calendly-webhook-signature';

/**
 * Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>`, v1 = HMAC-SHA256(signing key, `t.` + raw body).
 * The signature is checked before the timestamp, so only an authentic delivery learns that it is stale.
 */
export function verifyCalendlySignature(
  headers: Record<string, string | undefined>, rawBody: Buffer, secrets: readonly string[], now: Date, toleranceSeconds: number,
): void {
  const header = headers[CALENDLY_SIGNATURE_HEADER]?.trim();
  if (!header) throw new WebhookSignatureError('signature_missing');

  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') {
      const bytes = fromHex(value);
      if (bytes) signatures.push(bytes);
    }
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) throw new WebhookSignatureError('signature_invalid');

  const keys = secrets.map((secret) => Buffer.from(secret, 'utf8'));
  if (!anySignatureMatches(keys, [timestamp, '.', rawBody], signatures)) throw new WebhookSignatureError('signature_invalid');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) throw new WebhookSignatureError('timestamp_stale');
}
