import { createHmac } from 'node:crypto';

/** Cloudflare's documented endpoint for server-side validation of a Turnstile token. */
export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';
/** The form field the Turnstile widget adds. */
export const TURNSTILE_FIELD = 'cf-turnstile-response';

/** `errorCodes` are Cloudflare's (`invalid-input-response`, `timeout-or-duplicate`…); `internal-error` also covers an unreachable or broken verify service. */
export type TurnstileResult = {
  success: boolean;
  errorCodes: string[];
  hostname?: string;
  action?: string;
};

export type VerifyTurnstileInput = {
  token: string | undefined;
  secret: string;
  /** Sent as `idempotency_key`; default: `turnstileIdempotencyKey(token, secret)`. */
  idempotencyKey?: string;
  remoteIp?: string;
  verifyUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Default 5 s: a lead form must answer well within API Gateway's 30 s. */
  timeoutMs?: number;
};

// Cloudflare refuses tokens longer than this; no need to ask.
const MAX_TOKEN_LENGTH = 2048;

/**
 * The idempotency key of a token: a UUID derived from the token (keyed with the secret, so it reveals
 * nothing). Cloudflare validates a token once; a later siteverify of the same token with the same
 * `idempotency_key` gets the first answer again instead of `timeout-or-duplicate`. Deriving the key from
 * the token lets a visitor who got a 503 (the queue did not take the lead) send the same form again and
 * pass, with no state kept between the two requests.
 */
export function turnstileIdempotencyKey(token: string, secret: string): string {
  const bytes = createHmac('sha256', secret).update(token).digest().subarray(0, 16);
  // An RFC 9562 version 8 (custom) UUID: the layout Cloudflare accepts, with our bits in it.
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Asks Cloudflare whether a Turnstile token is valid (POST form data: secret, response, remoteip, idempotency_key).
 * Never throws: a transport failure is `{ success: false, errorCodes: ['internal-error'] }`, Cloudflare's own
 * code for "try again", and the handler decides. The secret never appears in the result.
 */
export async function verifyTurnstile(input: VerifyTurnstileInput): Promise<TurnstileResult> {
  const token = input.token?.trim() ?? '';
  if (token === '') return { success: false, errorCodes: ['missing-input-response'] };
  if (token.length > MAX_TOKEN_LENGTH) return { success: false, errorCodes: ['invalid-input-response'] };

  const form = new URLSearchParams({ secret: input.secret, response: token });
  if (input.remoteIp) form.set('remoteip', input.remoteIp);
  form.set('idempotency_key', input.idempotencyKey ?? turnstileIdempotencyKey(token, input.secret));
  const doFetch = input.fetch ?? globalThis.fetch;
  let reply: unknown;
  try {
    const response = await doFetch(input.verifyUrl ?? TURNSTILE_VERIFY_URL, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(input.timeoutMs ?? 5000),
    });
    if (!response.ok) return { success: false, errorCodes: ['internal-error'] };
    reply = await response.json();
  } catch {
    return { success: false, errorCodes: ['internal-error'] };
  }
  if (typeof reply !== 'object' || reply === null || typeof (reply as { success?: unknown }).success !== 'boolean') {
    return { success: false, errorCodes: ['internal-error'] };
  }
  const { success, hostname, action } = reply as { success: boolean; hostname?: unknown; action?: unknown };
  const codes = (reply as { 'error-codes'?: unknown })['error-codes'];
  return {
    success,
    errorCodes: Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [],
    ...(typeof hostname === 'string' ? { hostname } : {}),
    ...(typeof action === 'string' ? { action } : {}),
  };
}

/**
 * Whether the page Cloudflare saw the widget on (`hostname`) is one of the form's origins. A token solved
 * on another site must not count for this form; a form without `allowedOrigins` does not restrict it.
 */
export function isTurnstileHostAllowed(hostname: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (allowedOrigins.length === 0) return true;
  if (hostname === undefined) return false;
  const host = hostname.trim().toLowerCase();
  return allowedOrigins.some((origin) => {
    try {
      return new URL(origin).hostname === host;
    } catch {
      return false;
    }
  });
}
