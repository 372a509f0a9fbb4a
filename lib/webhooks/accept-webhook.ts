import { processSettings } from '../config/runtime.ts';
import { QueueUnavailableError } from '../delivery/errors.ts';
import { bodyDedupeKey } from '../delivery/keys.ts';
import { acceptJob } from '../delivery/accept-job.ts';
import { empty, json, type HttpAnswer } from '../http/answers.ts';
import { HttpError } from '../http/errors.ts';
import { toJob } from '../inbound/submission.ts';
import { providerFor, type WebhookRequest } from '../providers/index.ts';
import { logger } from '../observability/logger.ts';
import { scrub } from '../observability/scrub.ts';
import { count, METRIC } from '../observability/metrics.ts';
import type { SourceConfig } from './source-config.ts';

/**
 * Verify → map → store → answer, fast: the sender gets its 200 as soon as the work is on the queue,
 * long before any sender's timeout, whatever CSMART is doing. A failed store is a 503, never a 2xx.
 */
export async function acceptWebhook(request: WebhookRequest, config: SourceConfig, now: Date, invokedFunctionArn: string | undefined): Promise<HttpAnswer> {
  const result = providerFor(config.source).handle(request, {
    secrets: config.secrets, timeZone: processSettings().timeZone, now, settings: config.settings,
  });
  if (result.outcome === 'ping') {
    logger.info('webhook ping', { source: config.source });
    return empty(200);
  }
  if (result.outcome === 'ignored') {
    count(METRIC.ignored);
    logger.info('webhook ignored', { source: config.source, reason: result.reason });
    return json(200, { status: 'ignored', reason: result.reason });
  }
  const job = toJob({ ...result.plan, enrich: config.settings.enrich }, config.source, bodyDedupeKey(request.rawBody), now);
  try {
    await acceptJob(job, invokedFunctionArn);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.error('webhook not stored', { source: config.source, correlation_id: job.id, reason: scrub(error.message) });
    throw new HttpError(503, 'unavailable', 'The delivery could not be stored just now; please retry.', { headers: { 'retry-after': '30' }, cause: error });
  }
  count(METRIC.accepted);
  logger.info('webhook accepted', { source: config.source, kind: job.kind, correlation_id: job.id });
  return json(200, { status: 'accepted', id: job.id });
}
