import { WebhookSignatureError } from '../errors.ts';
import { verifyBodySignature } from '../shared/body-signature.ts';
import { fromBase64 } from '../shared/hmac.ts';

export const TYPEFORM_SIGNATURE_HEADER = 'typeform-signature';

/** Typeform: `Typeform-Signature: sha256=<base64>` of HMAC-SHA256(secret, raw body). The scheme has no timestamp. */
export function verifyTypeformSignature(headers: Record<string, string | undefined>, rawBody: Buffer, secrets: readonly string[]): void {
  const header = headers[TYPEFORM_SIGNATURE_HEADER]?.trim();
  if (!header) throw new WebhookSignatureError('signature_missing');
  const signature = header.startsWith('sha256=') ? fromBase64(header.slice('sha256='.length)) : undefined;
  verifyBodySignature(signature, rawBody, secrets);
}
