import { describe, expect, it } from 'vitest';
import { InputValidationError, REFUSAL_KINDS, RefusalError } from '../../lib/errors/refusal.ts';
import { errorAnswer, httpErrorOf, internalError, isAnswerable, REFUSAL_STATUS } from '../../lib/http/error-answer.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { withHttp } from '../../lib/http/with-http.ts';
import { WebhookSettingsError, WebhookSignatureError } from '../../lib/providers/index.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { useMetricLines } from '../support/metric-lines.ts';

const metricLines = useMetricLines({ passThrough: false });

/** The reasons of the Rejected metric written during the test. */
function rejectedReasons(): string[] {
  return metricLines().filter((emf) => emf._aws.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === 'Rejected'))).map((emf) => String(emf.reason));
}

/** A function whose handler throws `error`, answered by the one middy stack of every HTTP function. */
const throwing = (error: unknown) => withHttp(async () => { throw error; });
const answerOf = (error: unknown) => throwing(error)(httpEvent({ method: 'POST', path: '/webhooks/x', body: '{}' }), lambdaContext('webhooks'));

describe('errorAnswer', () => {
  it('has a status for every kind of refusal', () => {
    expect(Object.keys(REFUSAL_STATUS).sort()).toEqual([...REFUSAL_KINDS].sort());
    expect(REFUSAL_STATUS).toEqual({ malformed: 400, invalid: 422, unauthorized: 401, forbidden: 403, not_found: 404, unavailable: 503 });
  });

  it.each(Object.entries(REFUSAL_STATUS))('answers a %s refusal with %i and the error body naming the field', (kind, status) => {
    const answer = errorAnswer(new RefusalError(kind as keyof typeof REFUSAL_STATUS, 'some_code', 'A fixed message.', { field: 'hub.mode' }));

    expect(answer.statusCode).toBe(status);
    expect(JSON.parse(answer.body as string)).toEqual({ error: { code: 'some_code', message: 'A fixed message.', field: 'hub.mode' } });
  });

  it('answers 503 with retry-after when an unavailable refusal says when to retry', () => {
    const answer = errorAnswer(new RefusalError('unavailable', 'unavailable', 'Try again in a minute.', { retryAfterSeconds: 30 }));

    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('30');
  });

  it('lists every field when several failed, as for an HttpError', () => {
    const problems = [{ code: 'required', field: 'email', message: 'email is required.' }, { code: 'nip_checksum', field: 'nip', message: 'nip is not a valid NIP.' }];
    const refusal = errorAnswer(new InputValidationError(problems));
    const http = errorAnswer(new HttpError(422, 'invalid_fields', '2 fields are invalid: email, nip.', { field: 'email', problems }));

    expect(refusal).toEqual(http);
    expect(JSON.parse(refusal.body as string)).toEqual({ error: { code: 'invalid_fields', message: '2 fields are invalid: email, nip.', field: 'email' }, errors: problems });
  });

  it('answers a webhook signature failure 401 with its fixed message', () => {
    const answer = errorAnswer(new WebhookSignatureError('timestamp_stale'));

    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body as string)).toEqual({ error: { code: 'timestamp_stale', message: 'The webhook timestamp is outside the accepted window.' } });
  });

  it('answers our own failures (a settings error, anything else) 500 without their message', () => {
    for (const error of [new WebhookSettingsError('secret_not_configured', 'No signing secret is configured for this webhook source.'), new Error('boom'), internalError(new Error('boom'))]) {
      const answer = errorAnswer(error);
      expect(answer.statusCode).toBe(500);
      expect(JSON.parse(answer.body as string).error.code).toBe('internal');
      expect(answer.body).not.toMatch(/boom|secret/);
      expect(isAnswerable(error)).toBe(false);
    }
  });

  it('turns a refusal into the HttpError it is answered with, keeping it as the cause', () => {
    const refusal = new RefusalError('forbidden', 'verify_token_invalid', 'The verify token does not match.', { field: 'hub.verify_token' });
    const error = httpErrorOf(refusal);

    expect(isAnswerable(refusal)).toBe(true);
    expect(error).toMatchObject({ status: 403, code: 'verify_token_invalid', field: 'hub.verify_token', cause: refusal });
  });
});

describe('withHttp', () => {
  it('answers a refusal thrown by the core with its status, and counts it as rejected by its code', async () => {
    const answer = await answerOf(new InputValidationError([{ code: 'invalid_json', field: 'body', message: 'The body is not valid JSON.' }], 'malformed'));

    expect(answer.statusCode).toBe(400);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(rejectedReasons()).toEqual(['invalid_json']);
  });

  it('does not count an unavailable refusal as rejected: it is a 503 the sender retries', async () => {
    const answer = await answerOf(new RefusalError('unavailable', 'unavailable', 'Try again in a minute.', { retryAfterSeconds: 30 }));

    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('30');
    expect(rejectedReasons()).toEqual([]);
  });
});
