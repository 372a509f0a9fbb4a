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
  remoteIp?: string;
  verifyUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Default 5 s: a lead form must answer well within API Gateway's 30 s. */
  timeoutMs?: number;
};

// Cloudflare refuses tokens longer than this; no need to ask.
const MAX_TOKEN_LENGTH = 2048;

/**
 * Asks Cloudflare whether a Turnstile token is valid (POST form data: secret, response, remoteip).
 * Never throws: a transport failure is `{ success: false, errorCodes: ['internal-error'] }`, Cloudflare's own
 * code for "try again", and the handler decides. The secret never appears in the result.
 */
export async function verifyTurnstile(input: VerifyTurnstileInput): Promise<TurnstileResult> {
  const token = input.token?.trim() ?? '';
  if (token === '') return { success: false, errorCodes: ['missing-input-response'] };
  if (token.length > MAX_TOKEN_LENGTH) return { success: false, errorCodes: ['invalid-input-response'] };

  const form = new URLSearchParams({ secret: input.secret, response: token });
  if (input.remoteIp) form.set('remoteip', input.remoteIp);
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
