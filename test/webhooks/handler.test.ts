import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhooks as handler, worker } from '../support/functions.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import { eventBytes, eventJson } from '../providers/support/fixtures.ts';
import { calcomSignature, calendlySignature, standardHeaders, typeformSignature, woocommerceSignature } from '../providers/support/signing.ts';
import { useMetricLines } from '../support/metric-lines.ts';

const SECRETS = {
  calendly: 'calendly-signing-key',
  calcom: 'calcom-secret',
  typeform: 'typeform-secret',
  woocommerce: 'woocommerce-secret',
  erp: `whsec_${Buffer.from('erp-standard-webhooks-key-01').toString('base64')}`,
};
const stack = useDeliveryStack({
  parameters: {
    ...Object.fromEntries(Object.entries(SECRETS).map(([source, secret]) => [`${SSM_PREFIX}secrets/${source}`, secret])),
    [`${SSM_PREFIX}secrets/turnstile`]: 'turnstile-secret-value',
  },
});

const now = () => Math.floor(Date.now() / 1000);
const invoke = (event: APIGatewayProxyEventV2) => handler(event, lambdaContext('webhooks'));
const webhook = (source: string, body: Buffer, headers: Record<string, string>, base64?: boolean) =>
  httpEvent({ method: 'POST', path: `/webhooks/${source}`, routeKey: 'POST /webhooks/{source}', pathParameters: { source }, headers: { 'content-type': 'application/json', ...headers }, body, ...(base64 === undefined ? {} : { base64 }) });
const queued = () => stack.queue().messages();
const metricLines = useMetricLines();
/** The reasons of the Rejected metric written during the test. */
const rejectedReasons = () => metricLines().filter((emf) => emf._aws.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === 'Rejected'))).map((emf) => String(emf.reason));
const sandboxCalls = () => stack.sandbox.current.requests.length;

/** Each sender's delivery of a fixture, signed as its documentation says. */
const signed: Record<string, (body: Buffer) => Record<string, string>> = {
  calendly: (body) => ({ 'calendly-webhook-signature': calendlySignature(body, SECRETS.calendly, now()) }),
  calcom: (body) => ({ 'x-cal-signature-256': calcomSignature(body, SECRETS.calcom) }),
  typeform: (body) => ({ 'typeform-signature': typeformSignature(body, SECRETS.typeform) }),
  woocommerce: (body) => ({
    'x-wc-webhook-signature': woocommerceSignature(body, SECRETS.woocommerce), 'x-wc-webhook-topic': 'order.created',
    'x-wc-webhook-resource': 'order', 'x-wc-webhook-event': 'created', 'x-wc-webhook-id': '3', 'x-wc-webhook-delivery-id': `d-${body.length}`,
    'x-wc-webhook-source': 'https://sklep.example.pl/',
  }),
  erp: (body) => standardHeaders(body, SECRETS.erp, `msg_${body.length}`, now()),
};
const fixtures: [string, Buffer][] = [
  ['calendly', eventBytes('calendly', 'invitee-created')],
  ['calcom', eventBytes('calcom', 'booking-created')],
  ['typeform', eventBytes('typeform', 'form-response')],
  ['woocommerce', eventBytes('woocommerce', 'order-created')],
  ['erp', eventBytes('standard', 'calendar-event-created')],
];

describe('POST /webhooks/{source}', () => {
  it.each(fixtures)('accepts a signed %s delivery, stores it, and the worker lands it in CSMART', async (source, body) => {
    const answer = await invoke(webhook(source, body, signed[source]!(body)));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body))).toEqual({ status: 'accepted', id: expect.any(String) });
    expect(queued()).toHaveLength(1);
    await stack.drain(worker);
    const store = stack.sandbox.current.store;
    expect(store.list('Events').length + store.list('Accounts').length + store.list('Opportunities').length).toBeGreaterThan(0);
    expect(stack.dlq().counts().total).toBe(0);
  });

  it.each(fixtures)('verifies a %s body that API Gateway delivered base64-encoded', async (source, body) => {
    const answer = await invoke(webhook(source, body, signed[source]!(body), true));
    expect(answer.statusCode).toBe(200);
  });

  it.each(fixtures)('answers 401 to a tampered %s body and stores nothing', async (source, body) => {
    const headers = signed[source]!(body);
    const tampered = Buffer.from(body.toString('utf8').replace(/"/, ' "'));
    const answer = await invoke(webhook(source, tampered, headers));
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(String(answer.body)).error.code).toBe('signature_invalid');
    expect(queued()).toHaveLength(0);
    expect(sandboxCalls()).toBe(0);
  });

  it.each(fixtures)('answers 401 to a %s delivery signed with another secret', async (source, body) => {
    const wrong = { ...SECRETS, calendly: 'x', calcom: 'x', typeform: 'x', woocommerce: 'x', erp: `whsec_${Buffer.from('another').toString('base64')}` };
    const headers: Record<string, string> = {
      calendly: { 'calendly-webhook-signature': calendlySignature(body, wrong.calendly, now()) },
      calcom: { 'x-cal-signature-256': calcomSignature(body, wrong.calcom) },
      typeform: { 'typeform-signature': typeformSignature(body, wrong.typeform) },
      woocommerce: { ...signed.woocommerce!(body), 'x-wc-webhook-signature': woocommerceSignature(body, wrong.woocommerce) },
      erp: standardHeaders(body, wrong.erp, 'msg_1', now()),
    }[source]!;
    expect((await invoke(webhook(source, body, headers))).statusCode).toBe(401);
    expect(queued()).toHaveLength(0);
  });

  it.each([
    ['calendly', (body: Buffer) => ({ 'calendly-webhook-signature': calendlySignature(body, SECRETS.calendly, now() - 600) })],
    ['erp', (body: Buffer) => standardHeaders(body, SECRETS.erp, 'msg_old', now() - 600)],
  ])('answers 401 to a %s delivery with a stale timestamp', async (source, sign) => {
    const body = fixtures.find(([s]) => s === source)![1];
    const answer = await invoke(webhook(source, body, sign(body)));
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(String(answer.body)).error.code).toBe('timestamp_stale');
  });

  it('answers 404 to a name of no sender we support that has no secret, or a name that cannot exist', async () => {
    const body = Buffer.from('{}');
    expect((await invoke(webhook('unknown-sender', body, {}))).statusCode).toBe(404);
    expect((await invoke(webhook('Bad_Name!', body, {}))).statusCode).toBe(404);
    // The lead forms' Turnstile secret lives under secrets/ too: it must never verify a webhook.
    expect((await invoke(webhook('turnstile', body, {}))).statusCode).toBe(404);
    expect(JSON.parse(String((await invoke(webhook('unknown-sender', body, {}))).body)).error.code).toBe('source_not_found');
  });

  // Typeform disables a webhook at once on 404 or 410, and retries 503; no sender disables on 503 sooner than on 404.
  it.each(['google-ads', 'meta'])('answers 503 with Retry-After to %s, a supported sender whose secret is not stored yet, counted for the alarm', async (source) => {
    const body = Buffer.from('{}');

    const answer = await invoke(webhook(source, body, {}));

    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['retry-after']).toBe('300');
    expect(JSON.parse(String(answer.body))).toEqual({ error: { code: 'source_not_configured', message: `Webhook source "${source}" is not configured yet; please try again later.`, field: 'source' } });
    expect(queued()).toHaveLength(0);
    expect(sandboxCalls()).toBe(0);
    expect(rejectedReasons()).toEqual(['source_not_configured']);
  });

  it('answers WooCommerce\'s unsigned creation ping with exactly 200 and nothing else', async () => {
    const ping = httpEvent({ method: 'POST', path: '/webhooks/woocommerce', routeKey: 'POST /webhooks/{source}', pathParameters: { source: 'woocommerce' }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=3' });
    const answer = await invoke(ping);
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('');
    expect(queued()).toHaveLength(0);
  });

  it('answers 200 to an event type it does not handle, and stores nothing', async () => {
    const body = Buffer.from(JSON.stringify({ ...eventJson('calendly', 'invitee-created'), event: 'routing_form_submission.created' }));
    const answer = await invoke(webhook('calendly', body, signed.calendly!(body)));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body)).status).toBe('ignored');
    expect(queued()).toHaveLength(0);
  });

  it('makes no second record of a redelivery, even after the queue\'s dedupe window', async () => {
    const body = eventBytes('calendly', 'invitee-created');
    await invoke(webhook('calendly', body, signed.calendly!(body)));
    await stack.drain(worker);
    stack.advance(60 * 60 * 1000);
    await invoke(webhook('calendly', body, signed.calendly!(body)));
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Events')).toHaveLength(1);
  });

  it('lands two WooCommerce orders sent in the same second under one delivery id, and a redelivered order once', async () => {
    // WooCommerce's X-WC-Webhook-Delivery-ID is a hash of the webhook id and the current second.
    const orderA = eventJson('woocommerce', 'order-created');
    const orderB = {
      ...orderA, id: 4751, number: '4751', date_created_gmt: '2026-03-12T18:54:41', date_modified_gmt: '2026-03-12T18:54:41', meta_data: [],
      billing: { ...orderA.billing, company: 'Piekarnia Nowak', email: 'biuro@piekarnia.example.pl' },
    };
    const [a, b] = [orderA, orderB].map((order) => Buffer.from(JSON.stringify(order)));
    const send = (body: Buffer, deliveryId: string) => invoke(webhook('woocommerce', body, { ...signed.woocommerce!(body), 'x-wc-webhook-delivery-id': deliveryId }));

    const answers = [await send(a!, 'same-second'), await send(b!, 'same-second'), await send(a!, 'later')];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200]);
    expect(queued()).toHaveLength(2);
    await stack.drain(worker);
    stack.advance(60 * 60 * 1000);
    expect((await send(a!, 'much-later')).statusCode).toBe(200);
    await stack.drain(worker);

    const store = stack.sandbox.current.store;
    expect(store.list('Opportunities').map((record) => record.name).sort()).toEqual(['Zamówienie #4750', 'Zamówienie #4751']);
    expect(store.list('Accounts')).toHaveLength(2);
  });

  it('closes the same task when a Calendly booking is cancelled', async () => {
    for (const name of ['invitee-created', 'invitee-canceled']) {
      const body = eventBytes('calendly', name);
      expect((await invoke(webhook('calendly', body, signed.calendly!(body)))).statusCode).toBe(200);
    }
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Events')).toEqual([expect.objectContaining({ status: 'zamknięte' })]);
  });

  it('keeps a task per seat of a Cal.com seated booking, and closes only the seat given up', async () => {
    const second = eventJson('calcom', 'seat-created');
    const first = structuredClone(second);
    first.payload.attendees = [first.payload.attendees[0]];
    first.payload.attendeeSeatId = first.payload.attendees[0].bookingSeat.referenceUid;
    delete first.payload.attendees[0].bookingSeat;
    first.payload.title = 'Warsztaty KSeF between Jan Handlowy and Piotr Wiśniewski';
    for (const event of [first, second]) {
      const body = Buffer.from(JSON.stringify(event));
      expect((await invoke(webhook('calcom', body, signed.calcom!(body)))).statusCode).toBe(200);
    }
    const cancelled = eventBytes('calcom', 'seat-cancelled');
    expect((await invoke(webhook('calcom', cancelled, signed.calcom!(cancelled)))).statusCode).toBe(200);
    await stack.drain(worker);

    const events = stack.sandbox.current.store.list('Events').map((e) => [e.name, e.status]);
    expect(events).toEqual(expect.arrayContaining([
      ['Warsztaty KSeF between Jan Handlowy and Piotr Wiśniewski', 'nowe'],
      ['Warsztaty KSeF – Anna Nowak', 'zamknięte'],
    ]));
    expect(events).toHaveLength(2);
    expect(stack.dlq().counts().total).toBe(0);
  });

  it.each([
    [['invitee-created', 'invitee-canceled-rescheduled', 'invitee-created-rescheduled']],
    [['invitee-created', 'invitee-created-rescheduled', 'invitee-canceled-rescheduled']],
  ])('leaves one open task at the new time after a Calendly reschedule delivered as %j', async (order) => {
    for (const name of order) {
      const body = eventBytes('calendly', name);
      await invoke(webhook('calendly', body, signed.calendly!(body)));
      await stack.drain(worker);
    }
    const events = stack.sandbox.current.store.list('Events');
    const rescheduled = eventJson('calendly', 'invitee-created-rescheduled');
    expect(events).toHaveLength(1);
    expect(events[0]?.status).not.toBe('zamknięte');
    expect(String(rescheduled.payload.scheduled_event.start_time)).toContain(String(events[0]?.date_start));
  });

  it('answers 503, never 2xx, when the queue does not take the delivery', async () => {
    stack.sqs.failSends(true);
    const body = eventBytes('calcom', 'booking-created');
    const answer = await invoke(webhook('calcom', body, signed.calcom!(body)));
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBeDefined();
  });

  it('answers only 2xx or 4xx to random bodies, headers, content types and signatures, and stores nothing unverified', async () => {
    const sources = [...Object.keys(SECRETS), 'unknown-sender'];
    const headerName = fc.constantFrom('calendly-webhook-signature', 'x-cal-signature-256', 'typeform-signature', 'x-wc-webhook-signature', 'x-wc-webhook-topic', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type');
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...sources),
      fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'))),
      fc.dictionary(headerName, fc.oneof(fc.string(), fc.constantFrom('t=1,v1=00', 'v1,AAAA', 'sha256=AAAA', 'no-secret-provided', String(now())))),
      fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', ''),
      fc.boolean(),
      async (source, text, headers, contentType, base64) => {
        const event = webhook(source, Buffer.from(text, 'latin1'), { ...headers, 'content-type': contentType }, base64);
        const answer = await invoke(event);
        expect(answer.statusCode).toBeGreaterThanOrEqual(200);
        expect(answer.statusCode).toBeLessThan(500);
      },
    ), { numRuns: 300 });
    expect(queued()).toHaveLength(0);
    expect(sandboxCalls()).toBe(0);
  });
});
