import { processSettings } from '../config/runtime.ts';
import type { HttpAnswer } from '../http/answers.ts';
import { HttpError } from '../http/errors.ts';
import { logger } from '../observability/logger.ts';
import { providerFor } from '../providers/index.ts';
import type { SourceConfig } from './source-config.ts';

/**
 * `GET /webhooks/{source}`: a sender's subscription check (Meta's `hub.challenge`), answered as plain
 * text. Nothing is stored. Senders without such a check answer 405.
 */
export function answerHandshake(config: SourceConfig, query: Record<string, string | undefined>, now: Date): HttpAnswer {
  const provider = providerFor(config.source);
  if (!provider.handshake) throw new HttpError(405, 'method_not_allowed', 'This webhook source takes POST requests only.', { headers: { allow: 'POST' } });
  const body = provider.handshake(query, { secrets: config.secrets, timeZone: processSettings().timeZone, now, settings: config.settings });
  logger.info('webhook subscription confirmed', { source: config.source });
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
