import { createHmac } from 'node:crypto';
import { registerSecret } from '../../support/log-scan.ts';

/*
 * Each sender's documented scheme, written out independently of lib/providers so a test
 * fails when the verifier drifts from the documentation.
 */

// Every key signed with is a secret the log guard looks for.
const hmac = (key: string | Buffer, data: Buffer | string) => {
  if (typeof key === 'string') registerSecret(key);
  return createHmac('sha256', key).update(data);
};

/** Calendly: `t=<unix>,v1=<hex HMAC(key, "t." + body)>`. */
export function calendlySignature(body: Buffer, key: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(key, Buffer.concat([Buffer.from(`${unixSeconds}.`), body])).digest('hex')}`;
}

/** Cal.com: hex HMAC(secret, body). */
export function calcomSignature(body: Buffer, secret: string): string {
  return hmac(secret, body).digest('hex');
}

/** Typeform: `sha256=<base64 HMAC(secret, body)>`. */
export function typeformSignature(body: Buffer, secret: string): string {
  return `sha256=${hmac(secret, body).digest('base64')}`;
}

/** WooCommerce: base64 HMAC(secret, body). */
export function woocommerceSignature(body: Buffer, secret: string): string {
  return hmac(secret, body).digest('base64');
}

/** Standard Webhooks: `v1,<base64 HMAC(base64-decoded secret after whsec_, "id.timestamp.body")>`. */
export function standardSignature(body: Buffer, secret: string, id: string, unixSeconds: number): string {
  registerSecret(secret);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${hmac(key, Buffer.concat([Buffer.from(`${id}.${unixSeconds}.`), body])).digest('base64')}`;
}

/** Standard Webhooks headers for one delivery. */
export function standardHeaders(body: Buffer, secret: string, id: string, unixSeconds: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(unixSeconds),
    'webhook-signature': standardSignature(body, secret, id, unixSeconds),
  };
}
