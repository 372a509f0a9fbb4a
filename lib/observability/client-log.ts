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
      if (event.refusal === undefined) {
        logger.warn('CSMART refused the token; logging in again', { module: event.module, action: event.action });
      } else {
        // Words no table knows: the token may have expired. Said with the text, so it can be added to the table.
        logger.warn('CSMART refused a call in words the client does not know; logging in again once in case the token expired (add the text to CSMART_ERROR_TEXTS: "auth", "validation" or "transient")', {
          module: event.module, action: event.action, refusal: event.refusal,
        });
      }
      break;
    case 'retry':
      logger.warn('CSMART call failed; retrying', { module: event.module, action: event.action, attempt: event.attempt, delayMs: event.delayMs, code: event.code });
      break;
    case 'request':
      break;
  }
}
