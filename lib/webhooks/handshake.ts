import type { HttpAnswer } from '../http/answers.ts';
import { HttpError } from '../http/errors.ts';
import type { IntakeEvent } from '../intake/intake.ts';
import { providerFor } from '../providers/index.ts';
import type { SourceConfig } from './source-store.ts';

/**
 * `GET /webhooks/{source}`: a sender's subscription check (Meta's `hub.challenge`), answered as plain
 * text. Nothing is stored. Senders without such a check answer 405.
 */
export function answerHandshake(config: SourceConfig, query: Record<string, string | undefined>, context: { timeZone: string; now: Date; report: (event: IntakeEvent) => void }): HttpAnswer {
  const provider = providerFor(config.source);
  if (!provider.handshake) throw new HttpError(405, 'method_not_allowed', 'This webhook source takes POST requests only.', { headers: { allow: 'POST' } });
  const body = provider.handshake(query, { secrets: config.secrets, timeZone: context.timeZone, now: context.now, settings: config.settings });
  context.report({ type: 'subscription-confirmed', origin: { source: config.source } });
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
