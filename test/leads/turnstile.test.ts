import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leads as handler } from '../support/functions.ts';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';

/*
 * A Cloudflare siteverify stand-in that behaves as documented: a token validates once; a later
 * validation of the same token succeeds again only with the idempotency_key of the first one,
 * otherwise it is `timeout-or-duplicate`. Each token is issued for a hostname.
 */
const SECRET = 'turnstile-secret-value';
let server: Server;
let verifyUrl = '';
const spent = new Map<string, string | null>();
const HOSTS: Record<string, string> = { 'tok-elsewhere': 'phishing.example' };

const stack = useDeliveryStack({ parameters: { [`${SSM_PREFIX}secrets/turnstile`]: SECRET } });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const token = form.get('response') ?? '';
      const key = form.get('idempotency_key');
      const reply = (success: boolean, codes: string[] = []) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ success, 'error-codes': codes, ...(success ? { hostname: HOSTS[token] ?? 'www.example.pl', action: '' } : {}) }));
      };
      if (form.get('secret') !== SECRET || !token.startsWith('tok-')) return reply(false, ['invalid-input-response']);
      if (!spent.has(token)) {
        spent.set(token, key);
        return reply(true);
      }
      const firstKey = spent.get(token);
      return firstKey !== null && firstKey === key ? reply(true) : reply(false, ['timeout-or-duplicate']);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  verifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/turnstile/v0/siteverify`;
  stack.ssm.params[`${SSM_PREFIX}forms/guarded`] = JSON.stringify({ allowedOrigins: ['https://www.example.pl'], turnstile: { enabled: true, verifyUrl } });
  stack.ssm.params[`${SSM_PREFIX}forms/open`] = JSON.stringify({ turnstile: { enabled: true, verifyUrl } });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => spent.clear());

const post = (form: string, fields: Record<string, string>) =>
  handler(jsonPost(`/leads/${form}`, fields, { routeKey: 'POST /leads/{form}', pathParameters: { form }, headers: { origin: 'https://www.example.pl' } }), lambdaContext('leads'));
const loaded = () => String(Date.now() - 60_000);

describe('Turnstile on a lead form', () => {
  it('lets a visitor who got a 503 (queue down) send the same token again and be accepted', async () => {
    const fields = { email: 'a@example.pl', _ts: loaded(), 'cf-turnstile-response': 'tok-retry' };
    stack.sqs.failSends(true);
    const first = await post('guarded', fields);
    stack.sqs.failSends(false);
    const retry = await post('guarded', fields);

    expect([first.statusCode, retry.statusCode]).toEqual([503, 202]);
    expect(stack.queue().messages()).toHaveLength(1);
  });

  it('still refuses a token spent by someone else (without our key), so replaying a used token does not pass', async () => {
    spent.set('tok-stolen', null);
    const answer = await post('guarded', { email: 'a@example.pl', _ts: loaded(), 'cf-turnstile-response': 'tok-stolen' });

    expect(answer.statusCode).toBe(403);
    expect(stack.queue().messages()).toHaveLength(0);
  });

  it('refuses a token solved on a page outside the form\'s origins (403, nothing stored)', async () => {
    const answer = await post('guarded', { email: 'a@example.pl', _ts: loaded(), 'cf-turnstile-response': 'tok-elsewhere' });

    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(String(answer.body)).error).toMatchObject({ code: 'turnstile_failed', field: 'cf-turnstile-response' });
    expect(stack.queue().messages()).toHaveLength(0);
  });

  it('does not check the hostname of a form without allowedOrigins', async () => {
    expect((await post('open', { email: 'a@example.pl', _ts: loaded(), 'cf-turnstile-response': 'tok-elsewhere' })).statusCode).toBe(202);
  });

  it('treats a post without _ts as spam: answered like a lead, never stored, the token never spent', async () => {
    const answer = await post('guarded', { email: 'a@example.pl', 'cf-turnstile-response': 'tok-no-ts' });

    expect(answer.statusCode).toBe(202);
    expect(stack.queue().messages()).toHaveLength(0);
    expect(spent.has('tok-no-ts')).toBe(false);
  });
});
