import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function hmacSha256(key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** A hex signature as bytes, or undefined when it is not 64 hex digits. */
export function fromHex(value: string): Buffer | undefined {
  return HEX_SHA256.test(value) ? Buffer.from(value, 'hex') : undefined;
}

/** A base64 signature as bytes. Node's decoder skips foreign characters, so check the alphabet first. */
export function fromBase64(value: string): Buffer | undefined {
  return BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/**
 * Whether any given signature equals the HMAC of the message under any key. Constant-time per
 * comparison: lengths are public (always 32 bytes), the bytes are compared with `timingSafeEqual`.
 */
export function anySignatureMatches(keys: readonly Buffer[], message: readonly (string | Buffer)[], given: readonly Buffer[]): boolean {
  let matched = false;
  for (const key of keys) {
    const expected = hmacSha256(key, message);
    for (const signature of given) {
      if (signature.length === expected.length && timingSafeEqual(signature, expected)) matched = true;
    }
  }
  return matched;
}
