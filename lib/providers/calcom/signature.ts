import { WebhookSignatureError } from '../errors.ts';
import { verifyBodySignature } from '../shared/body-signature.ts';
import { fromHex } from '../shared/hmac.ts';

export const CALCOM_SIGNATURE_HEADER = 'x-cal-signature-256';

// Cal.com sends this literal instead of a signature when its webhook has no secret.
const NO_SECRET = 'no-secret-provided';

/** Cal.com: `X-Cal-Signature-256` = hex HMAC-SHA256(secret, raw body). The scheme has no timestamp. */
export function verifyCalcomSignature(headers: Record<string, string | undefined>, rawBody: Buffer, secrets: readonly string[]): void {
  const header = headers[CALCOM_SIGNATURE_HEADER]?.trim();
  if (!header || header === NO_SECRET) throw new WebhookSignatureError('signature_missing');
  // Tolerate a `sha256=` prefix, as some relays add one.
  const signature = fromHex(header.replace(/^sha256=/i, ''));
  verifyBodySignature(signature, rawBody, secrets);
}
