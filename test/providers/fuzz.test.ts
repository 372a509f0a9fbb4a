import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../lib/errors/refusal.ts';
import { errorAnswer } from '../../lib/http/error-answer.ts';
import { WEBHOOK_SIGNATURE_ERROR_CODES, WebhookSignatureError, providerFor } from '../../lib/providers/index.ts';
import { eventJson } from './support/fixtures.ts';
import { NOW_SECONDS, contextFor, request } from './support/context.ts';
import { calcomSignature, calendlySignature, standardHeaders, typeformSignature, woocommerceSignature } from './support/signing.ts';

const SECRET = 'fuzz-secret';
const WHSEC = `whsec_${Buffer.from('fuzz-secret-for-standard-webhook').toString('base64')}`;

type Source = 'calendly' | 'calcom' | 'typeform' | 'woocommerce' | 'google-ads' | 'meta' | 'fuzz-source';
const FIXTURES: Record<Source, unknown[]> = {
  calendly: ['invitee-created', 'invitee-canceled', 'invitee-created-rescheduled'].map((n) => eventJson('calendly', n)),
  calcom: ['booking-created', 'booking-rescheduled', 'booking-cancelled'].map((n) => eventJson('calcom', n)),
  typeform: [eventJson('typeform', 'form-response')],
  woocommerce: [eventJson('woocommerce', 'order-created')],
  'google-ads': [eventJson('google-ads', 'lead'), eventJson('google-ads', 'test-lead')],
  meta: [eventJson('meta', 'leadgen')],
  'fuzz-source': ['lead-created', 'calendar-event-created', 'calendar-event-all-day', 'calendar-event-cancelled'].map((n) => eventJson('standard', n)),
};

/** Every path to a value inside a JSON document, to mutate one of them. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

function withValueAt(document: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = replacement;
  return copy;
}

// Where each sender names the event type: replacing it reaches the "ignored" answers.
const TYPE_KEY: Record<Source, string | undefined> = {
  calendly: 'event', calcom: 'triggerEvent', typeform: 'event_type', woocommerce: undefined, 'google-ads': undefined, meta: 'object', 'fuzz-source': 'type',
};

/** The headers a genuine sender would put on this body (signed now, give or take the skew). */
function signedHeaders(source: Source, body: Buffer, skew: number, topic: string): Record<string, string> {
  switch (source) {
    case 'calendly': return { 'calendly-webhook-signature': calendlySignature(body, SECRET, NOW_SECONDS + skew) };
    case 'calcom': return { 'x-cal-signature-256': calcomSignature(body, SECRET) };
    case 'typeform': return { 'typeform-signature': typeformSignature(body, SECRET) };
    case 'woocommerce': return { 'x-wc-webhook-signature': woocommerceSignature(body, SECRET), 'x-wc-webhook-topic': topic, 'x-wc-webhook-delivery-id': 'd1' };
    case 'fuzz-source': return standardHeaders(body, WHSEC, 'msg_fuzz', NOW_SECONDS + skew);
    case 'meta': return { 'x-hub-signature-256': `sha256=${calcomSignature(body, SECRET)}` };
    // Google signs nothing: the key travels in the body (see keyed()).
    case 'google-ads': return {};
  }
}

/** Google Ads: a genuine sender puts the form's key into the JSON object. */
function keyed(source: Source, body: Buffer, signed: boolean): Buffer {
  if (source !== 'google-ads' || !signed) return body;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? Buffer.from(JSON.stringify({ ...value, google_key: SECRET })) : body;
  } catch {
    return body;
  }
}

const HEADER_NAMES = [
  'calendly-webhook-signature', 'x-cal-signature-256', 'typeform-signature', 'x-wc-webhook-signature', 'x-wc-webhook-topic',
  'x-wc-webhook-delivery-id', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'x-anything', 'x-hub-signature-256',
];

const headerValue = fc.oneof(
  fc.string(),
  fc.constantFrom('no-secret-provided', 't=1,v1=00', 'v1,AAAA', 'sha256=', 'order.created', String(NOW_SECONDS), 'v1,' + 'A'.repeat(43) + '='),
  fc.stringMatching(/^t=\d{1,12},v1=[0-9a-f]{64}$/),
  fc.stringMatching(/^(v1,[A-Za-z0-9+/]{43}= ?){1,3}$/),
);

const source = fc.constantFrom<Source>('calendly', 'calcom', 'typeform', 'woocommerce', 'google-ads', 'meta', 'fuzz-source');

const delivery = source.chain((src) => {
  const fixture = fc.constantFrom(...FIXTURES[src]);
  const mutated = fixture.chain((doc) => {
    const paths = pathsOf(doc);
    return fc.tuple(fc.nat({ max: paths.length - 1 }), fc.jsonValue({ maxDepth: 3 })).map(([i, value]) => withValueAt(doc, paths[i]!, value));
  });
  const typeKey = TYPE_KEY[src];
  const retyped = fc.tuple(fixture, fc.oneof(fc.string(), fc.constantFrom('invitee.created', 'BOOKING_CREATED', 'form_response', 'lead.created')))
    .map(([doc, type]) => (typeKey ? { ...(doc as object), [typeKey]: type } : doc));
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
    mutated.map((value) => Buffer.from(JSON.stringify(value))),
    retyped.map((value) => Buffer.from(JSON.stringify(value))),
    fc.constantFrom(Buffer.from('webhook_id=12'), Buffer.from(''), Buffer.from('\uFEFF{}')),
  );
  return fc.record({
    source: fc.constant(src),
    body,
    signed: fc.boolean(),
    skew: fc.integer({ min: -400, max: 400 }),
    topic: fc.oneof(fc.constant('order.created'), fc.string()),
    headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 5 }),
    contentType: fc.option(fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x'), { nil: undefined }),
  });
});

describe('providers under random input', () => {
  it('answer only work, ignored or ping, or throw a WebhookSignatureError (401) or InputValidationError (422) — never anything else', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(delivery, (d) => {
      const body = keyed(d.source, d.body, d.signed);
      const headers = { ...d.headers, ...(d.signed ? signedHeaders(d.source, body, d.skew, d.topic) : {}) };
      const req = { ...request(d.source, body, headers), contentType: d.contentType };
      const secrets = [d.source === 'fuzz-source' ? WHSEC : SECRET];
      try {
        const result = providerFor(d.source).handle(req, contextFor(d.source, secrets));
        seen.add(result.outcome);
        expect(['work', 'ignored', 'ping']).toContain(result.outcome);
      } catch (error) {
        if (error instanceof WebhookSignatureError) {
          seen.add('WebhookSignatureError');
          expect(WEBHOOK_SIGNATURE_ERROR_CODES).toContain(error.code);
          expect(errorAnswer(error).statusCode).toBe(401);
        } else if (error instanceof InputValidationError) {
          seen.add('InputValidationError');
          expect(errorAnswer(error).statusCode).toBe(422);
        } else {
          throw error;
        }
      }
    }), {
      numRuns: 1500,
      // Always include the rare answers, so the coverage check below cannot flake.
      examples: [
        [{ source: 'woocommerce', body: Buffer.from('webhook_id=12'), signed: false, skew: 0, topic: '', headers: {}, contentType: 'application/x-www-form-urlencoded' }],
        [{ source: 'woocommerce', body: Buffer.from('{}'), signed: true, skew: 0, topic: 'coupon.created', headers: {}, contentType: 'application/json' }],
      ],
    });

    // The generator must reach past the signature check, or the property proves little.
    expect(seen).toEqual(new Set(['work', 'ignored', 'ping', 'WebhookSignatureError', 'InputValidationError']));
  });
});
