import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { processSettings } from '../config/runtime.ts';
import { QueueUnavailableError } from '../delivery/errors.ts';
import { bodyDedupeKey } from '../delivery/keys.ts';
import { acceptJob } from '../delivery/accept-job.ts';
import type { ReadBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { header } from '../http/event.ts';
import { toJob } from '../inbound/submission.ts';
import { mapLead } from '../mapping/map-lead.ts';
import { checkSpam } from '../mapping/spam.ts';
import { isTurnstileHostAllowed, TURNSTILE_FIELD, verifyTurnstile } from '../mapping/turnstile.ts';
import { logger } from '../observability/logger.ts';
import { scrub } from '../observability/scrub.ts';
import { count, METRIC } from '../observability/metrics.ts';
import type { FormConfig } from './form-config.ts';

export type LeadReceipt = { id: string };

/**
 * Everything between a parsed body and the answer: spam checks, the optional Turnstile check, the
 * mapping to CSMART work, and storing that work. Spam is answered like a lead but never stored.
 */
export async function acceptLead(input: { event: APIGatewayProxyEventV2; body: ReadBody; form: FormConfig; now: Date; invokedFunctionArn?: string }): Promise<LeadReceipt> {
  const { event, body, form, now } = input;
  const fields = body.fields ?? {};
  const spam = checkSpam({ fields, settings: form.settings, now });
  if (spam.spam) {
    count(METRIC.spam);
    logger.info('spam dropped', { form: form.name, reason: spam.reason });
    return { id: randomUUID() };
  }
  const id = randomUUID();
  const idempotencyKey = header(event, 'idempotency-key');
  // Fields first: a Turnstile token is single-use, and a visitor who fixes a field must not fail the check.
  // The token is verified before the send (a refused token must store nothing), with an idempotency key
  // derived from it: a visitor who gets a 503 because the queue is down sends the same token again and
  // Cloudflare repeats its first answer instead of calling the token spent.
  const { plan } = mapLead({
    form: form.name, fields, settings: form.settings, now, timeZone: processSettings().timeZone, submissionId: id,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  if (form.settings.turnstile.enabled) await checkTurnstile(fields[TURNSTILE_FIELD], form, event);
  try {
    await acceptJob(toJob({ ...plan, enrich: form.settings.enrich }, 'leads', bodyDedupeKey(body.raw), now, id), input.invokedFunctionArn);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.error('lead not stored', { form: form.name, correlation_id: id, reason: scrub(error.message) });
    throw new HttpError(503, 'unavailable', 'The enquiry could not be stored just now. Please try again in a minute.', { headers: { 'retry-after': '30' }, cause: error });
  }
  count(METRIC.accepted);
  logger.info('lead accepted', { form: form.name, correlation_id: id, steps: plan.steps.length });
  return { id };
}

async function checkTurnstile(token: string | string[] | undefined, form: FormConfig, event: APIGatewayProxyEventV2): Promise<void> {
  const value = Array.isArray(token) ? token.at(-1) : token;
  if (!value) throw new HttpError(422, 'turnstile_missing', 'Please complete the anti-spam check.', { field: TURNSTILE_FIELD });
  if (!form.turnstileSecret) throw new Error('Turnstile is enabled for this form but its secret is not configured');
  const result = await verifyTurnstile({
    token: value, secret: form.turnstileSecret, remoteIp: event.requestContext.http.sourceIp,
    ...(form.settings.turnstile.verifyUrl ? { verifyUrl: form.settings.turnstile.verifyUrl } : {}),
  });
  if (!result.success && result.errorCodes.includes('internal-error')) {
    // Cloudflare could not be asked: the visitor did nothing wrong, so they are asked to retry, not refused.
    logger.warn('turnstile unavailable', { form: form.name });
    throw new HttpError(503, 'unavailable', 'The anti-spam check is unavailable just now. Please try again in a minute.', { headers: { 'retry-after': '30' } });
  }
  if (!result.success) {
    logger.info('turnstile refused', { form: form.name, codes: result.errorCodes });
    throw new HttpError(403, 'turnstile_failed', 'The anti-spam check failed. Please try again.', { field: TURNSTILE_FIELD });
  }
  if (!isTurnstileHostAllowed(result.hostname, form.settings.allowedOrigins)) {
    // A token solved on someone else's page (or a sitekey shared with another site) is not a pass here.
    logger.info('turnstile refused', { form: form.name, codes: ['hostname-mismatch'] });
    throw new HttpError(403, 'turnstile_failed', 'The anti-spam check failed. Please try again.', { field: TURNSTILE_FIELD });
  }
}
