import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leads as handler } from '../support/functions.ts';
import type { DeliveryJob } from '../../lib/intake/job.ts';
import { formPost, httpEvent, jsonPost, multipartBody } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';

let turnstile: Server;
let turnstileUrl = '';
const contactForm = {
  allowedOrigins: ['https://www.example.pl'],
  thankYouUrl: 'https://www.example.pl/dziekujemy',
  errorUrl: 'https://www.example.pl/blad',
  defaults: { category: 'Lead', source: 'Strona WWW' },
  followUps: { opportunity: {}, task: {} },
  consents: { rodo: { text: 'Zgadzam się na przetwarzanie danych.', version: '2026-01' } },
};

const stack = useDeliveryStack({
  parameters: {
    [`${SSM_PREFIX}forms/contact`]: JSON.stringify(contactForm),
    [`${SSM_PREFIX}forms/broken`]: JSON.stringify({ allowedOrigins: ['ftp://nope'] }),
    [`${SSM_PREFIX}secrets/turnstile`]: 'turnstile-secret-value',
  },
});

beforeAll(async () => {
  // A local stand-in for Cloudflare's siteverify: the token "good" passes.
  turnstile = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      if (params.get('response') === 'outage') {
        res.statusCode = 500;
        res.end('upstream down');
        return;
      }
      const ok = params.get('response') === 'good' && params.get('secret') === 'turnstile-secret-value';
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ success: ok, 'error-codes': ok ? [] : ['invalid-input-response'] }));
    });
  });
  await new Promise<void>((resolve) => turnstile.listen(0, '127.0.0.1', resolve));
  turnstileUrl = `http://127.0.0.1:${(turnstile.address() as { port: number }).port}/siteverify`;
  stack.ssm.params[`${SSM_PREFIX}forms/guarded`] = JSON.stringify({ turnstile: { enabled: true, verifyUrl: turnstileUrl } });
});
afterAll(() => new Promise<void>((resolve) => turnstile.close(() => resolve())));

const invoke = (event: APIGatewayProxyEventV2) => handler(event, lambdaContext('leads'));
const queued = () => stack.queue().messages().map((m) => JSON.parse(m.body) as DeliveryJob);
const contact = (fields: Record<string, string | string[]>, extra = {}) =>
  formPost('/leads/contact', fields, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'contact' }, ...extra });
const lead = { company: 'Zakład Usług Łódź Sp. z o.o.', first_name: 'Żaneta', last_name: 'Gęślak', email: 'Zaneta@Example.PL', phone: '601 234 567', nip: 'PL 526-025-02-74', message: 'Proszę o ofertę & wycenę = 100%', consent_rodo: 'on' };

describe('POST /leads', () => {
  it('stores an HTML form post (base64, Polish letters) on the queue and answers 303 to the thank-you page', async () => {
    const event = contact(lead);
    expect(event.isBase64Encoded).toBe(true);
    const answer = await invoke(event);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('https://www.example.pl/dziekujemy');
    const [job] = queued();
    expect(job).toMatchObject({ v: 1, source: 'leads', kind: 'lead' });
    expect(job?.steps[0]).toMatchObject({
      kind: 'account',
      fields: { name: 'Zakład Usług Łódź Sp. z o.o.', nip: '5260250274', email: 'zaneta@example.pl', phone_mobile: '+48601234567', category: 'Lead', source: 'Strona WWW' },
      match: { nip: '5260250274', email: 'zaneta@example.pl' },
    });
    expect(job?.steps.map((s) => (s.kind === 'record' ? s.module : s.kind))).toEqual(['account', 'Opportunities', 'Events']);
    expect(job?.steps[0]?.fields.description).toContain('Proszę o ofertę & wycenę = 100%');
    expect(job?.steps[0]?.fields.description).toContain('Zgadzam się na przetwarzanie danych.');
  });

  it('answers a fetch JSON post with 202 and the submission id', async () => {
    const answer = await invoke(jsonPost('/leads', { email: 'jan@example.pl', first_name: 'Jan', last_name: 'Kowalski' }));
    expect(answer.statusCode).toBe(202);
    const body = JSON.parse(String(answer.body)) as { status: string; id: string };
    expect(body).toEqual({ status: 'accepted', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(queued().map((j) => j.id)).toContain(body.id);
  });

  it('takes multipart/form-data as FormData sends it', async () => {
    const { body, contentType } = multipartBody([['email', 'anna@example.pl'], ['company', 'Firma Ąę']]);
    const answer = await invoke(httpEvent({ method: 'POST', path: '/leads', headers: { 'content-type': contentType, accept: 'application/json' }, body }));
    expect(answer.statusCode).toBe(202);
    expect(queued()[0]?.steps[0]?.fields).toMatchObject({ email: 'anna@example.pl', name: 'Firma Ąę' });
  });

  it.each([
    [{ email: 'not-an-email' }, 'email', 'email_invalid'],
    [{ email: 'a@example.pl', nip: '5260250275' }, 'nip', 'nip_checksum'],
    [{ email: 'a@example.pl', postal_code: '9-1234', country: 'Polska' }, 'postal_code', 'postal_code_invalid'],
    [{ company: 'No contact at all' }, 'email', 'required'],
  ])('answers 422 naming the field for %j', async (fields, field, code) => {
    const answer = await invoke(jsonPost('/leads', fields));
    expect(answer.statusCode).toBe(422);
    const body = JSON.parse(String(answer.body)) as { error: { code: string; field: string; message: string } };
    expect(body.error).toMatchObject({ code, field });
    expect(body.error.message).toMatch(new RegExp(field.replace('_', '.'), 'i'));
    expect(queued()).toHaveLength(0);
    expect(stack.sandbox.current.requests).toHaveLength(0);
  });

  it('lists every field at fault when several are wrong', async () => {
    const answer = await invoke(jsonPost('/leads', { email: 'x@', nip: '123' }));
    const body = JSON.parse(String(answer.body)) as { error: { code: string }; errors: { field: string }[] };
    expect(answer.statusCode).toBe(422);
    expect(body.errors.map((e) => e.field).sort()).toEqual(['email', 'nip']);
  });

  it('sends an HTML post with errors to the form\'s error page, naming the field', async () => {
    const answer = await invoke(contact({ email: 'zły adres' }));
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('https://www.example.pl/blad?error=email_invalid&field=email');
  });

  it('never redirects to a URL taken from the request', async () => {
    const answer = await invoke(contact({ ...lead, _next: 'https://evil.example/phish', redirect: 'https://evil.example', thankYouUrl: 'https://evil.example' }));
    expect(answer.headers.location).toBe('https://www.example.pl/dziekujemy');
  });

  it.each([
    ['the honeypot is filled in', () => ({ _gotcha: 'http://spam.example' })],
    ['it is sent a second after the page loaded', () => ({ _ts: String(Date.now() - 1_000) })],
  ])('answers spam like a lead but stores nothing when %s', async (_why, extra) => {
    const answer = await invoke(jsonPost('/leads', { email: 'bot@example.pl', ...extra() }));
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(String(answer.body))).toMatchObject({ status: 'accepted' });
    expect(queued()).toHaveLength(0);
  });

  it('answers a CORS preflight from an allowed origin', async () => {
    const answer = await invoke(httpEvent({ method: 'OPTIONS', path: '/leads/contact', routeKey: 'OPTIONS /leads/{form}', pathParameters: { form: 'contact' }, headers: { origin: 'https://www.example.pl', 'access-control-request-method': 'POST' } }));
    expect(answer.statusCode).toBe(204);
    expect(answer.headers).toMatchObject({ 'access-control-allow-origin': 'https://www.example.pl', 'access-control-allow-methods': 'POST, OPTIONS', vary: 'Origin' });
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses another origin, in the preflight and in the post, and stores nothing', async () => {
    const headers = { origin: 'https://evil.example' };
    const preflight = await invoke(httpEvent({ method: 'OPTIONS', path: '/leads/contact', routeKey: 'OPTIONS /leads/{form}', pathParameters: { form: 'contact' }, headers }));
    expect(preflight.statusCode).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const post = await invoke(contact(lead, { headers }));
    expect(post.statusCode).toBe(403);
    expect(JSON.parse(String(post.body)).error).toMatchObject({ code: 'origin_not_allowed', field: 'origin' });
    expect(queued()).toHaveLength(0);
  });

  it('answers 413 to an oversize body', async () => {
    const answer = await invoke(jsonPost('/leads', { email: 'a@example.pl', message: 'x'.repeat(70_000) }));
    expect(answer.statusCode).toBe(413);
    expect(JSON.parse(String(answer.body)).error.code).toBe('payload_too_large');
  });

  it.each([
    ['an unsupported type', { 'content-type': 'text/xml' }, '<lead/>', 415],
    ['malformed JSON', { 'content-type': 'application/json' }, '{"email":', 400],
  ])('answers %s with a 4xx', async (_what, headers, body, status) => {
    const answer = await invoke(httpEvent({ method: 'POST', path: '/leads', headers: { ...headers, accept: 'application/json' }, body }));
    expect(answer.statusCode).toBe(status);
    expect(queued()).toHaveLength(0);
  });

  it('answers 404 for a form that is not configured, naming the field', async () => {
    const unknown = await invoke(jsonPost('/leads/nope', { email: 'a@example.pl' }, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'nope' } }));
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(String(unknown.body)).error).toMatchObject({ code: 'form_not_found', field: 'form' });
    const bad = await invoke(jsonPost('/leads/..%2F', { email: 'a@example.pl' }, { routeKey: 'POST /leads/{form}', pathParameters: { form: '../' } }));
    expect(bad.statusCode).toBe(404);
  });

  it('answers 503 with Retry-After, never 2xx, when the queue does not take the lead', async () => {
    stack.sqs.failSends(true);
    const answer = await invoke(jsonPost('/leads', { email: 'a@example.pl' }));
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('30');
    const html = await invoke(contact(lead));
    expect(html.statusCode).toBe(303);
    expect(html.headers.location).toBe('https://www.example.pl/blad?error=unavailable');
  });

  it('checks Turnstile when the form asks for it', async () => {
    const post = (token?: string) => invoke(jsonPost('/leads/guarded', { email: 'a@example.pl', _ts: String(Date.now() - 60_000), ...(token ? { 'cf-turnstile-response': token } : {}) }, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'guarded' } }));
    expect((await post()).statusCode).toBe(422);
    expect((await post('forged')).statusCode).toBe(403);
    expect((await post('good')).statusCode).toBe(202);
    expect(queued()).toHaveLength(1);
  });

  it('checks the fields before Turnstile, whose token is single-use, and asks to retry when Cloudflare is down', async () => {
    const post = (fields: Record<string, string>) => invoke(jsonPost('/leads/guarded', { _ts: String(Date.now() - 60_000), ...fields }, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'guarded' } }));
    const invalid = await post({ email: 'bad', 'cf-turnstile-response': 'good' });
    expect(JSON.parse(String(invalid.body)).error.code).toBe('email_invalid');
    const down = await post({ email: 'a@example.pl', 'cf-turnstile-response': 'outage' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('30');
  });

  it('answers its own failure as a readable 500 (CORS headers kept) or the error page, without details', async () => {
    delete stack.ssm.params[`${SSM_PREFIX}secrets/turnstile`];
    try {
      const answer = await invoke(jsonPost('/leads/guarded', { email: 'a@example.pl', _ts: String(Date.now() - 60_000), 'cf-turnstile-response': 'good' }, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'guarded' } }));
      expect(answer.statusCode).toBe(500);
      expect(answer.headers['access-control-allow-origin']).toBe('https://www.example.pl');
      expect(JSON.parse(String(answer.body)).error.code).toBe('internal');
      expect(String(answer.body)).not.toContain('Turnstile');
    } finally {
      stack.ssm.params[`${SSM_PREFIX}secrets/turnstile`] = 'turnstile-secret-value';
    }
  });

  it('reads the form from SSM in one listing per cold start and none while warm', async () => {
    const calls = () => stack.ssm.calls.GetParameters + stack.ssm.calls.GetParametersByPath;
    const before = calls();
    await invoke(contact(lead));
    await invoke(contact({ ...lead, email: 'other@example.pl' }));
    await invoke(contact({ ...lead, email: 'third@example.pl' }));
    expect(calls() - before).toBe(1);
  });

  it('answers 500 without details when a form\'s settings are invalid, and never calls CSMART', async () => {
    const answer = await invoke(jsonPost('/leads/broken', { email: 'a@example.pl' }, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'broken' } }));
    expect(answer.statusCode).toBe(500);
    expect(String(answer.body)).not.toContain('allowedOrigins');
    expect(stack.sandbox.current.requests).toHaveLength(0);
  });

  it('sends the security headers with every answer', async () => {
    for (const event of [jsonPost('/leads', { email: 'a@example.pl' }), jsonPost('/leads', { email: 'bad' }), contact(lead)]) {
      const answer = await invoke(event);
      expect(answer.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    }
  });

  it('reads the recorded AWS form-post fixture', async () => {
    const event = JSON.parse(readFileSync('test/events/leads/form-urlencoded-polish.json', 'utf8')) as APIGatewayProxyEventV2;
    const answer = await invoke(event);
    expect(answer.statusCode).toBeLessThan(400);
  });
});
