import { WebhookSignatureError } from '../errors.ts';
import { verifyBodySignature } from '../shared/body-signature.ts';
import { fromHex } from '../shared/hmac.ts';

export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

/** Meta: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`. No timestamp. */
export function verifyMetaSignature(headers: Record<string, string | undefined>, rawBody: Buffer, appSecrets: readonly string[]): void {
  const header = headers[META_SIGNATURE_HEADER]?.trim();
  if (!header) throw new WebhookSignatureError('signature_missing');
  const signature = header.toLowerCase().startsWith('sha256=') ? fromHex(header.slice('sha256='.length)) : undefined;
  verifyBodySignature(signature, rawBody, appSecrets);
}
