import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { webhooks as handler, worker } from '../support/functions.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { useFakeGraph } from '../support/fake-graph.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import { eventBytes, eventJson } from '../providers/support/fixtures.ts';

const GOOGLE_KEY = 'google-ads-form-key';
const APP_SECRET = 'meta-app-secret-0123456789abcdef';
const VERIFY_TOKEN = 'meta-verify-token-xyz';
const PAGE_ID = '153125381133';
const PAGE_TOKEN = 'EAAB-page-token-for-tests';
const FOLLOW_UPS = { followUps: { task: { name: 'Oddzwonić: {name}' } }, defaults: { source: 'Reklama' } };

const graph = useFakeGraph();
const stack = useDeliveryStack({
  // Enough attempts for a Graph outage to be retried and then delivered.
  maxReceiveCount: 5,
  parameters: {
    // Rotation: the old and the new key are both accepted while the forms are switched over.
    // Rotation: one key per line (a key may contain spaces).
    [`${SSM_PREFIX}secrets/google-ads`]: `old-google-key\n${GOOGLE_KEY}`,
    [`${SSM_PREFIX}webhooks/google-ads`]: JSON.stringify({ lead: FOLLOW_UPS }),
    [`${SSM_PREFIX}secrets/meta`]: APP_SECRET,
    [`${SSM_PREFIX}webhooks/meta`]: JSON.stringify({ verifyToken: VERIFY_TOKEN, lead: FOLLOW_UPS }),
    [`${SSM_PREFIX}meta/pages/${PAGE_ID}`]: PAGE_TOKEN,
  },
});
beforeAll(() => {
  process.env.CSMART_META_GRAPH_URL = graph.url;
  graph.tokens.add(PAGE_TOKEN);
  graph.leads.set('444444444444', eventJson('meta', 'graph-lead'));
});

const invoke = (event: APIGatewayProxyEventV2) => handler(event, lambdaContext('webhooks'));
const post = (source: string, body: Buffer, headers: Record<string, string> = {}) =>
  invoke(httpEvent({ method: 'POST', path: `/webhooks/${source}`, routeKey: 'POST /webhooks/{source}', pathParameters: { source }, headers: { 'content-type': 'application/json', ...headers }, body }));
const store = () => stack.sandbox.current.store;
const queued = () => stack.queue().messages();
const metaSignature = (body: Buffer, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const withKey = (name: string, key: string) => Buffer.from(JSON.stringify({ ...eventJson('google-ads', name), google_key: key }));

describe('POST /webhooks/google-ads (lead form extensions)', () => {
  it('turns a lead with the form\'s key into one CSMART client and the configured follow-up task', async () => {
    const answer = await post('google-ads', eventBytes('google-ads', 'lead'));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body))).toEqual({ status: 'accepted', id: expect.any(String) });
    await stack.drain(worker);
    expect(store().list('Accounts')).toEqual([expect.objectContaining({
      name: 'Przykład Sp. z o.o.', email: 'anna.nowak@przyklad.pl', phone_mobile: '+48600123456', nip: '7770001111', postal_code: '90-001', city: 'Łódź', source: 'Reklama',
      description: expect.stringMatching(/ilu_handlowcow|Ilu macie handlowców\?: 5-10/),
    })]);
    expect(store().list('Events')).toEqual([expect.objectContaining({ name: 'Oddzwonić: Przykład Sp. z o.o.', nip: '7770001111' })]);
    expect(String(store().list('Accounts')[0]?.description)).toContain('google_gcl_id: Cj0KCQiA-gclid-0001');
  });

  it('accepts the previous key too while keys are rotated', async () => {
    expect((await post('google-ads', withKey('lead', 'old-google-key'))).statusCode).toBe(200);
  });

  it.each([['a wrong key', withKey('lead', 'not-the-key')], ['no key', Buffer.from(JSON.stringify({ ...eventJson('google-ads', 'lead'), google_key: undefined }))]])(
    'answers 401 to %s and stores nothing', async (_, body) => {
      const answer = await post('google-ads', body);
      expect(answer.statusCode).toBe(401);
      expect(JSON.parse(String(answer.body)).error.code).toMatch(/^signature_(invalid|missing)$/);
      expect(queued()).toHaveLength(0);
      expect(stack.sandbox.current.requests).toHaveLength(0);
    },
  );

  it('makes nothing new of a lead Google sends again (same lead_id), even days later', async () => {
    await post('google-ads', eventBytes('google-ads', 'lead'));
    await stack.drain(worker);
    stack.advance(2 * 24 * 3600 * 1000);
    expect((await post('google-ads', eventBytes('google-ads', 'lead'))).statusCode).toBe(200);
    await stack.drain(worker);
    expect(store().list('Accounts')).toHaveLength(1);
    expect(store().list('Events')).toHaveLength(1);
  });

  it('validates a test lead (is_test) and answers it, without sending it to CSMART', async () => {
    const answer = await post('google-ads', withKey('test-lead', GOOGLE_KEY));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body))).toMatchObject({ status: 'ignored', reason: expect.stringContaining('test lead') });
    expect(queued()).toHaveLength(0);
    // Validation still applies to test leads: one without e-mail or phone is refused.
    const invalid = { ...eventJson('google-ads', 'test-lead'), google_key: GOOGLE_KEY, user_column_data: [{ column_id: 'FULL_NAME', string_value: 'X' }] };
    expect((await post('google-ads', Buffer.from(JSON.stringify(invalid)))).statusCode).toBe(422);
  });
});

describe('/webhooks/meta (Lead Ads)', () => {
  const handshake = (query: Record<string, string>) =>
    invoke(httpEvent({ method: 'GET', path: '/webhooks/meta', routeKey: 'GET /webhooks/{source}', pathParameters: { source: 'meta' }, query }));

  it('answers the subscription check with the challenge when the verify token matches', async () => {
    const answer = await handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('1158201444');
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('refuses the subscription check with another token (403), and GET on a source without one (405)', async () => {
    expect((await handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' })).statusCode).toBe(403);
    const get = await invoke(httpEvent({ method: 'GET', path: '/webhooks/google-ads', routeKey: 'GET /webhooks/{source}', pathParameters: { source: 'google-ads' } }));
    expect(get.statusCode).toBe(405);
  });

  it('stores a signed leadgen notification, and the worker reads the lead from the Graph API into one client and its task', async () => {
    const body = eventBytes('meta', 'leadgen');
    const answer = await post('meta', body, { 'x-hub-signature-256': metaSignature(body) });
    expect(answer.statusCode).toBe(200);
    expect(stack.sandbox.current.requests).toHaveLength(0);
    await stack.drain(worker);
    expect(graph.requests).toEqual(['/v23.0/444444444444']);
    expect(store().list('Accounts')).toEqual([expect.objectContaining({
      name: 'Kowalski Usługi', email: 'jan.kowalski@example.pl', phone_mobile: '+48601234567', nip: '9517538522', source: 'Reklama',
      description: expect.stringContaining('jaki_budzet?: 10-50 tys. zł'),
    })]);
    expect(store().list('Events')).toEqual([expect.objectContaining({ name: 'Oddzwonić: Kowalski Usługi' })]);
  });

  it('answers 401 to a notification signed with another secret, and stores nothing', async () => {
    const body = eventBytes('meta', 'leadgen');
    const answer = await post('meta', body, { 'x-hub-signature-256': metaSignature(body, 'another-secret') });
    expect(answer.statusCode).toBe(401);
    expect(queued()).toHaveLength(0);
  });

  it('retries while the Graph API is down, then delivers', async () => {
    graph.failNext(2);
    const body = eventBytes('meta', 'leadgen');
    await post('meta', body, { 'x-hub-signature-256': metaSignature(body) });
    await stack.drain(worker);
    expect(graph.requests).toHaveLength(3);
    expect(store().list('Accounts')).toHaveLength(1);
    expect(stack.dlq().counts().total).toBe(0);
  });

  it('parks a lead that can never become a client in the DLQ at once, with the reason', async () => {
    graph.leads.set('555555555555', { id: '555555555555', field_data: [{ name: 'full_name', values: ['Bez Kontaktu'] }] });
    const body = Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: PAGE_ID, time: 1, changes: [{ field: 'leadgen', value: { leadgen_id: '555555555555', page_id: PAGE_ID } }] }] }));
    await post('meta', body, { 'x-hub-signature-256': metaSignature(body) });
    await stack.drain(worker);
    expect(graph.requests).toHaveLength(1);
    expect(stack.dlq().counts().total).toBe(1);
    expect(store().list('Accounts')).toHaveLength(0);
  });

  it('retries a lead whose page has no access token configured (a fix in SSM and a redrive later deliver it)', async () => {
    const body = Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: '999', time: 1, changes: [{ field: 'leadgen', value: { leadgen_id: '444444444444', page_id: '999' } }] }] }));
    await post('meta', body, { 'x-hub-signature-256': metaSignature(body) });
    await stack.drain(worker);
    expect(graph.requests).toHaveLength(0);
    // Every attempt failed as transient; after the queue's receive count SQS parked it.
    expect(stack.dlq().counts().total).toBe(1);
  });

  it('makes nothing new of a notification Meta sends again, and does not ask the Graph API again', async () => {
    const body = eventBytes('meta', 'leadgen');
    for (let i = 0; i < 2; i++) {
      await post('meta', body, { 'x-hub-signature-256': metaSignature(body) });
      await stack.drain(worker);
      stack.advance(60 * 60 * 1000);
    }
    expect(graph.requests).toHaveLength(1);
    expect(store().list('Accounts')).toHaveLength(1);
  });
});

describe('/webhooks/google-ads and /webhooks/meta under random input', () => {
  it('answer only 2xx, 4xx or 405 to random bodies, keys, signatures and handshakes, and store nothing unverified', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('google-ads', 'meta'),
      fc.constantFrom('GET', 'POST'),
      fc.oneof(fc.string(), fc.json(), fc.constant(JSON.stringify({ ...eventJson('google-ads', 'lead'), google_key: 'wrong' }))),
      fc.dictionary(fc.constantFrom('x-hub-signature-256', 'content-type'), fc.oneof(fc.string(), fc.constantFrom('sha256=00', 'sha256='))),
      fc.dictionary(fc.constantFrom('hub.mode', 'hub.verify_token', 'hub.challenge'), fc.oneof(fc.string(), fc.constantFrom('subscribe', VERIFY_TOKEN))),
      async (source, method, text, headers, query) => {
        const event = httpEvent({
          method, path: `/webhooks/${source}`, routeKey: `${method} /webhooks/{source}`, pathParameters: { source }, query,
          headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body: text } : {}),
        });
        const answer = await invoke(event);
        expect(answer.statusCode).toBeGreaterThanOrEqual(200);
        expect(answer.statusCode).toBeLessThan(500);
      },
    ), { numRuns: 200 });
    expect(queued()).toHaveLength(0);
    expect(stack.sandbox.current.requests).toHaveLength(0);
  });
});
