import { RefusalError, type FieldProblem } from '../errors/refusal.ts';

export const WEBHOOK_SIGNATURE_ERROR_CODES = ['signature_missing', 'signature_invalid', 'timestamp_stale'] as const;
export type WebhookSignatureErrorCode = (typeof WEBHOOK_SIGNATURE_ERROR_CODES)[number];

// Fixed texts: a message never carries the secret, the expected signature or anything from the request.
const SIGNATURE_MESSAGES: Record<WebhookSignatureErrorCode, string> = {
  signature_missing: 'The webhook signature is missing.',
  signature_invalid: 'The webhook signature does not match.',
  timestamp_stale: 'The webhook timestamp is outside the accepted window.',
};

/** The delivery is not provably from the sender (kind `unauthorized`: the HTTP layer answers 401). */
export class WebhookSignatureError extends RefusalError {
  override name = 'WebhookSignatureError';
  declare readonly code: WebhookSignatureErrorCode;

  constructor(code: WebhookSignatureErrorCode) {
    super('unauthorized', code, SIGNATURE_MESSAGES[code]);
  }
}

export type WebhookSettingsErrorCode = 'secret_not_configured' | 'invalid_settings';

/** Our side is misconfigured (no signing secret, bad per-source settings): not the sender's fault, so not a 4xx. */
export class WebhookSettingsError extends Error {
  override name = 'WebhookSettingsError';
  readonly code: WebhookSettingsErrorCode;
  readonly problems: FieldProblem[];

  constructor(code: WebhookSettingsErrorCode, message: string, problems: FieldProblem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}
