import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { leads, webhooks } from '../support/functions.ts';
import { httpEvent, jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import { eventBytes } from '../providers/support/fixtures.ts';
import { typeformSignature } from '../providers/support/signing.ts';
import { isNamedSource } from '../../lib/providers/index.ts';

/*
 * A client cycling random /leads/{form} and /webhooks/{source} names at the API's rate limit must not
 * spend the account's SSM quota: the configured names come from one listing per cache period.
 */
const stack = useDeliveryStack({
  parameters: {
    [`${SSM_PREFIX}forms/contact`]: JSON.stringify({}),
    [`${SSM_PREFIX}secrets/typeform`]: 'tf-secret',
    // Credentials and other folders are never listed by these functions.
    [`${SSM_PREFIX}password`]: 'never-listed',
  },
  env: { CSMART_CONFIG_TTL: '300' },
});

const ssmCalls = () => ({ byPath: stack.ssm.calls.GetParametersByPath, byName: stack.ssm.calls.GetParameters + stack.ssm.calls.GetParameter });
const formName = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,30}$/).filter((n) => n !== 'contact' && n !== 'default');
// Names of no sender we support: those of a supported sender without a secret are answered 503, not 404.
const sourceName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/).filter((n) => n !== 'turnstile' && !isNamedSource(n));

const postForm = (form: string) => leads(jsonPost(`/leads/${form}`, { email: 'a@example.pl' }, { routeKey: 'POST /leads/{form}', pathParameters: { form } }), lambdaContext('leads'));
const TYPEFORM = eventBytes('typeform', 'form-response');
const postWebhook = (source: string, secret = 'tf-secret') => webhooks(httpEvent({
  method: 'POST', path: `/webhooks/${source}`, routeKey: 'POST /webhooks/{source}', pathParameters: { source },
  headers: { 'content-type': 'application/json', 'typeform-signature': typeformSignature(TYPEFORM, secret) }, body: TYPEFORM,
}), lambdaContext('webhooks'));

afterEach(() => {
  vi.useRealTimers();
});

describe('names nobody configured', () => {
  it('answers 404 to a hundred random form names with one SSM listing and no per-name call', async () => {
    const before = ssmCalls();
    const names = fc.sample(fc.uniqueArray(formName, { minLength: 100, maxLength: 100 }), 1)[0]!;
    for (const name of names) expect((await postForm(name)).statusCode).toBe(404);
    expect(ssmCalls()).toEqual({ byPath: before.byPath + 1, byName: before.byName });
    expect((await postForm('contact')).statusCode).toBe(202);
    expect(ssmCalls()).toEqual({ byPath: before.byPath + 1, byName: before.byName });
  });

  it('answers 404 to a hundred random webhook sources with one SSM listing and no per-name call', async () => {
    const before = ssmCalls();
    const names = fc.sample(fc.uniqueArray(sourceName, { minLength: 100, maxLength: 100 }), 1)[0]!;
    for (const name of names) expect((await postWebhook(name)).statusCode).toBe(404);
    expect(ssmCalls()).toEqual({ byPath: before.byPath + 1, byName: before.byName });
    expect((await postWebhook('typeform')).statusCode).toBe(200);
  });

  it('lists only the forms and secrets folders, never the credentials', async () => {
    await postForm('anything');
    await postWebhook('anything');
    const paths = stack.ssm.requests.filter((r) => r.operation === 'GetParametersByPath').map((r) => r.body.Path);
    expect(new Set(paths)).toEqual(new Set([`${SSM_PREFIX}forms`, `${SSM_PREFIX}secrets`]));
  });

  it('lists again once per cache period, so a form or source added later is found within CSMART_CONFIG_TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    expect((await postForm('added-later')).statusCode).toBe(404);
    stack.ssm.params[`${SSM_PREFIX}forms/added-later`] = JSON.stringify({});
    stack.ssm.params[`${SSM_PREFIX}secrets/erp-later`] = `whsec_${Buffer.from('k').toString('base64')}`;
    const before = ssmCalls().byPath;
    expect((await postForm('added-later')).statusCode).toBe(404);

    vi.setSystemTime(Date.now() + 301_000);
    expect((await postForm('added-later')).statusCode).toBe(202);
    expect((await postWebhook('erp-later')).statusCode).toBe(401);
    expect(ssmCalls().byPath - before).toBe(2);
  });

  it('answers a supported sender whose secret is stored later 503 with Retry-After until it is listed, never 404', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const early = await postWebhook('calendly');
    expect(early.statusCode).toBe(503);
    expect(early.headers?.['retry-after']).toBe('300');
    expect(JSON.parse(String(early.body)).error).toMatchObject({ code: 'source_not_configured', field: 'source' });
    stack.ssm.params[`${SSM_PREFIX}secrets/calendly`] = 'calendly-key';
    // A warm function still holds the listing without it: the sender is told to retry, not that nothing is there.
    expect((await postWebhook('calendly')).statusCode).toBe(503);

    vi.setSystemTime(Date.now() + 301_000);
    // Found now; this delivery carries Typeform's header, so Calendly's signature is missing.
    expect(JSON.parse(String((await postWebhook('calendly')).body)).error.code).toBe('signature_missing');
  });

  it('still accepts a good delivery when the first listing fails: the one name is asked for instead', async () => {
    stack.ssm.failNext(1, 'throttling');
    expect((await postWebhook('typeform')).statusCode).toBe(200);
    expect(stack.ssm.calls.GetParameters).toBeGreaterThan(0);
  });
});
