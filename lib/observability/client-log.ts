import type { CallEvent } from '../csmart/client.ts';
import { logger } from './logger.ts';
import { count, METRIC } from './metrics.ts';

/** Logs what the CSMART client did beyond a plain call: logins, re-logins and retries (each request would be noise). */
export function reportClientEvent(event: CallEvent): void {
  switch (event.type) {
    case 'login':
      count(METRIC.csmartLogins);
      logger.info('CSMART login', { domain: event.domain });
      break;
    case 'relogin':
      logger.warn('CSMART refused the token; logging in again', { module: event.module, action: event.action });
      break;
    case 'retry':
      logger.warn('CSMART call failed; retrying', { module: event.module, action: event.action, attempt: event.attempt, delayMs: event.delayMs, code: event.code });
      break;
    case 'request':
      break;
  }
}
