import type { IntakeEvent, IntakeOrigin } from '../intake/intake.ts';
import { logger } from './logger.ts';
import { count, countRejected, METRIC } from './metrics.ts';
import { scrub } from './scrub.ts';

/** Logs and counts what intake did with a lead or webhook. Ids, names and codes only: no personal data. */
export function reportIntake(event: IntakeEvent): void {
  const origin = originFields(event.origin);
  switch (event.type) {
    case 'accepted':
      count(METRIC.accepted);
      logger.info('accepted', { ...origin, correlation_id: event.job.id, kind: event.job.kind, steps: event.job.steps.length });
      break;
    case 'not-stored':
      logger.error('not stored: the delivery queue did not take it', { ...origin, correlation_id: event.id, reason: scrub(event.reason) });
      break;
    case 'spam':
      count(METRIC.spam);
      logger.info('spam dropped', { ...origin, reason: event.reason });
      break;
    case 'ignored':
      count(METRIC.ignored);
      logger.info('webhook ignored', { ...origin, reason: event.reason });
      break;
    case 'ping':
      logger.info('webhook ping', origin);
      break;
    case 'subscription-confirmed':
      logger.info('webhook subscription confirmed', origin);
      break;
    case 'source-not-configured':
      // Answered 503 so that the sender retries, but work is refused until the secret is stored (and a sender
      // that never retries loses it): counted with the refusals, where the source-not-configured alarm watches.
      countRejected('source_not_configured');
      logger.warn('webhook source not configured', origin);
      break;
    case 'turnstile':
      if (event.outcome === 'unavailable') logger.warn('turnstile unavailable', origin);
      else logger.info('turnstile refused', { ...origin, codes: event.codes });
      break;
  }
}

function originFields(origin: IntakeOrigin): Record<string, string> {
  return 'form' in origin ? { form: origin.form } : { source: origin.source };
}
