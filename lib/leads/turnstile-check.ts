import { RefusalError } from '../errors/refusal.ts';
import type { IntakeEvent } from '../intake/intake.ts';
import { isTurnstileHostAllowed, TURNSTILE_FIELD, verifyTurnstile } from './turnstile.ts';
import type { FormConfig } from './form-store.ts';

const FAILED = 'The anti-spam check failed. Please try again.';

/**
 * The form's Turnstile check, when it enables one: the token must be there, valid and solved on one of
 * the form's own origins. Cloudflare being unreachable is not the visitor's fault: they are asked to
 * retry (503), not refused. Run it after mapping: a token is single-use, and a visitor who fixes a
 * field must not fail the check.
 */
export async function checkTurnstile(input: {
  form: FormConfig;
  token: string | string[] | undefined;
  remoteIp: string;
  report: (event: IntakeEvent) => void;
}): Promise<void> {
  const { form, report } = input;
  if (!form.settings.turnstile.enabled) return;
  const origin = { form: form.name };
  const token = Array.isArray(input.token) ? input.token.at(-1) : input.token;
  if (!token) throw new RefusalError('invalid', 'turnstile_missing', 'Please complete the anti-spam check.', { field: TURNSTILE_FIELD });
  if (!form.turnstileSecret) throw new Error('Turnstile is enabled for this form but its secret is not configured');
  const result = await verifyTurnstile({
    token, secret: form.turnstileSecret, remoteIp: input.remoteIp,
    ...(form.settings.turnstile.verifyUrl ? { verifyUrl: form.settings.turnstile.verifyUrl } : {}),
  });
  if (!result.success && result.errorCodes.includes('internal-error')) {
    report({ type: 'turnstile', origin, outcome: 'unavailable', codes: result.errorCodes });
    throw new RefusalError('unavailable', 'unavailable', 'The anti-spam check is unavailable just now. Please try again in a minute.', { retryAfterSeconds: 30 });
  }
  if (!result.success) {
    report({ type: 'turnstile', origin, outcome: 'refused', codes: result.errorCodes });
    throw new RefusalError('forbidden', 'turnstile_failed', FAILED, { field: TURNSTILE_FIELD });
  }
  if (!isTurnstileHostAllowed(result.hostname, form.settings.allowedOrigins)) {
    // A token solved on someone else's page (or a sitekey shared with another site) is not a pass here.
    report({ type: 'turnstile', origin, outcome: 'refused', codes: ['hostname-mismatch'] });
    throw new RefusalError('forbidden', 'turnstile_failed', FAILED, { field: TURNSTILE_FIELD });
  }
}
