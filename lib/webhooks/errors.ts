import { RefusalError } from '../errors/refusal.ts';

/**
 * A sender we support (`calendly`, `typeform`, …) delivered to a source whose signing secret is not
 * there yet (or not yet in this warm function's cached listing). Our set-up is behind, not the sender's
 * request: `unavailable` (503 with Retry-After), which every sender that retries does retry, where a 404
 * makes Typeform disable the webhook at once.
 */
export class WebhookSourceNotConfiguredError extends RefusalError {
  override name = 'WebhookSourceNotConfiguredError';

  constructor(source: string, retryAfterSeconds: number) {
    super('unavailable', 'source_not_configured', `Webhook source "${source}" is not configured yet; please try again later.`, { field: 'source', retryAfterSeconds });
  }
}
