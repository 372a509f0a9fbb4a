import { describe, expect, it } from 'vitest';
import { WebhookSettingsError, WebhookSignatureError, providerFor } from '../../lib/providers/index.ts';
import type { ProviderContext, ProviderResult, SourceSettings } from '../../lib/providers/index.ts';
import { eventBytes, eventJson } from './support/fixtures.ts';
import { answered, contextFor, planOf, request, thrown } from './support/context.ts';
import { woocommerceSignature } from './support/signing.ts';

const SECRET = 'wc-secret-with-$pecial&chars';
const provider = providerFor('woocommerce');
const DELIVERY_ID = '36e520ebabc2fa725092ff4a47acedf2';

type Options = { signature?: string | null; topic?: string | null; deliveryId?: string; ctx?: Partial<ProviderContext>; settings?: Partial<SourceSettings> };

function deliver(body: Buffer, options: Options = {}): ProviderResult {
  const signature = options.signature === undefined ? woocommerceSignature(body, SECRET) : options.signature;
  const topic = options.topic === undefined ? 'order.created' : options.topic;
  const headers: Record<string, string> = {
    'user-agent': 'WooCommerce/9.6.1 Hookshot (WordPress/6.7.2)',
    'x-wc-webhook-source': 'https://sklep.example.pl/',
    'x-wc-webhook-id': '3',
    'x-wc-webhook-delivery-id': options.deliveryId ?? DELIVERY_ID,
    'x-wc-webhook-resource': 'order',
    'x-wc-webhook-event': 'created',
  };
  if (signature !== null) headers['x-wc-webhook-signature'] = signature;
  if (topic !== null) headers['x-wc-webhook-topic'] = topic;
  const base = contextFor('woocommerce', [SECRET], { settings: options.settings ?? {} });
  return provider.handle(request('woocommerce', body, headers), { ...base, ...options.ctx });
}

describe('WooCommerce webhooks', () => {
  it('verifies PHP json_encode bytes (\\/ and \\uXXXX escapes) as sent, then reads them', () => {
    const body = eventBytes('woocommerce', 'order-created');

    expect(body.toString('latin1')).toContain('https:\\/\\/sklep.example.pl');
    expect(body.toString('latin1')).toContain('\\u0141ab\\u0119dziem');
    expect(planOf(deliver(body)).steps[0]!.fields.name).toBe('Kawiarnia Pod Łabędziem s.c.');
  });

  it('turns order.created into the buyer as a client (company wins) and an opportunity for that client', () => {
    const result = deliver(eventBytes('woocommerce', 'order-created'));

    expect(result).toEqual({
      outcome: 'work',
      plan: {
        kind: 'order.created',
        groupKey: 'nip:7740001454',
        dedupeKey: 'order.created:4750:2026-03-12T18:54:40',
        steps: [
          {
            kind: 'account',
            fields: {
              name: 'Kawiarnia Pod Łabędziem s.c.',
              nip: '7740001454',
              email: 'zamowienia@podlabedziem.pl',
              phone_office: '+48123456789',
              address: 'ul. Żeromskiego 12/4',
              postal_code: '31-042',
              city: 'Kraków',
              state: 'małopolskie',
              country: 'PL',
              shipping_address: 'ul. Floriańska 3, lokal 2',
              shipping_postal_code: '31-019',
              shipping_city: 'Kraków',
              shipping_country: 'PL',
              description: 'Osoba kontaktowa: Zofia Kowalczyk',
            },
            match: { nip: '7740001454', email: 'zamowienia@podlabedziem.pl' },
            onMatch: 'update',
          },
          {
            kind: 'record',
            module: 'Opportunities',
            fields: {
              name: 'Zamówienie #4750',
              total: '410.00',
              description: [
                'Zamówienie WooCommerce #4750',
                'Pozycje:',
                '- Młynek do kawy „Ręczny” × 1: 245.00 PLN',
                '- Kawa ziarnista 1 kg × 2: 150.00 PLN',
                'Wysyłka: 15.00 PLN (Paczkomaty InPost)',
                'Razem: 410.00 PLN',
                'Płatność: Przelewy24',
                'Uwagi klienta: Proszę o fakturę VAT i dostawę po 16:00.',
              ].join('\n'),
            },
            link: { source: 'woocommerce', externalId: '4750' },
            withAccount: true,
          },
        ],
      },
    });
  });

  it('uses the configured opportunity status, sources and NIP meta key', () => {
    const order = eventJson('woocommerce', 'order-created');
    order.meta_data = [{ id: 1, key: '_faktura_nip', value: '526-025-09-95' }];
    const settings = { nipMetaKey: '_faktura_nip', opportunityStatus: 'Nowe zamówienie', opportunitySource: 'Sklep', accountSource: 'WooCommerce' };

    const [account, opportunity] = planOf(deliver(Buffer.from(JSON.stringify(order)), { settings })).steps;

    expect(account).toMatchObject({ fields: { nip: '5260250995', source: 'WooCommerce' }, match: { nip: '5260250995' } });
    expect(opportunity!.fields).toMatchObject({ status: 'Nowe zamówienie', source: 'Sklep' });
  });

  it('finds the NIP in billing.nip as Polish checkout plugins add it', () => {
    const order = eventJson('woocommerce', 'order-created');
    order.meta_data = [];
    order.billing.nip = '5252248481';

    expect(planOf(deliver(Buffer.from(JSON.stringify(order)))).steps[0]!.fields).toMatchObject({ nip: '5252248481' });
  });

  it('names a buyer without a company after the person, and keeps an invalid NIP out of matching', () => {
    const order = eventJson('woocommerce', 'order-created');
    order.billing.company = '';
    order.meta_data = [{ id: 1, key: '_billing_nip', value: '1234567890' }];

    const account = planOf(deliver(Buffer.from(JSON.stringify(order)))).steps[0]!;

    expect(account).toEqual({
      kind: 'account',
      fields: expect.objectContaining({ name: 'Zofia Kowalczyk', description: 'NIP (niepoprawny): 1234567890' }),
      match: { email: 'zamowienia@podlabedziem.pl' },
      onMatch: 'update',
    });
    expect(account.fields).not.toHaveProperty('nip');
  });

  it('gives two orders sent in the same second under one delivery id different dedupe keys', () => {
    // WooCommerce's delivery id is a hash of the webhook id and the current second: a burst shares it.
    const first = eventJson('woocommerce', 'order-created');
    const second = { ...first, id: 4751, number: '4751', date_created_gmt: '2026-03-12T18:54:41', date_modified_gmt: '2026-03-12T18:54:41' };

    const keys = [first, second].map((order) => planOf(deliver(Buffer.from(JSON.stringify(order)), { deliveryId: DELIVERY_ID })).dedupeKey);

    expect(keys).toEqual(['order.created:4750:2026-03-12T18:54:40', 'order.created:4751:2026-03-12T18:54:41']);
  });

  it('gives a redelivery of the same order the same dedupe key and link under a new delivery id, also when the order changed since', () => {
    const order = eventJson('woocommerce', 'order-created');
    const changed = { ...order, status: 'completed', date_modified_gmt: '2026-03-12T19:30:00' };

    const first = planOf(deliver(Buffer.from(JSON.stringify(order)), { deliveryId: 'a1' }));
    const again = planOf(deliver(Buffer.from(JSON.stringify(changed)), { deliveryId: 'b2' }));

    expect(again.dedupeKey).toBe(first.dedupeKey);
    expect(again.steps[1]).toMatchObject({ link: { source: 'woocommerce', externalId: '4750' } });
  });

  it('leaves the key to the body\'s hash when the order carries no dates', () => {
    const order = eventJson('woocommerce', 'order-created');
    delete order.date_created_gmt;
    order.date_modified_gmt = null;

    expect(planOf(deliver(Buffer.from(JSON.stringify(order)))).dedupeKey).toBeUndefined();
  });

  it('answers the unsigned creation ping (form-encoded webhook_id=N, no X-WC headers) with a ping result', () => {
    const ping = request('woocommerce', Buffer.from('webhook_id=12'), {}, 'application/x-www-form-urlencoded');

    expect(provider.handle(ping, contextFor('woocommerce', [SECRET]))).toEqual({ outcome: 'ping' });
    expect(provider.handle(ping, contextFor('woocommerce', []))).toEqual({ outcome: 'ping' });
  });

  it('does not take a delivery with X-WC headers for a ping', () => {
    const error = thrown(() => deliver(Buffer.from('webhook_id=12'), { signature: null }));

    expect(error).toMatchObject({ name: 'WebhookSignatureError', code: 'signature_missing' });
  });

  it('answers signature_missing for an unsigned body that is not the ping', () => {
    const body = eventBytes('woocommerce', 'order-created');

    const error = thrown(() => provider.handle(request('woocommerce', body, {}), contextFor('woocommerce', [SECRET])));

    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toMatchObject({ code: 'signature_missing' });
  });

  it('answers signature_invalid for a tampered body or another secret', () => {
    const body = eventBytes('woocommerce', 'order-created');
    const tampered = Buffer.from(body.toString('latin1').replace('"total":"410.00"', '"total":"41.00"'), 'latin1');

    expect(tampered.equals(body)).toBe(false);
    expect(thrown(() => deliver(tampered, { signature: woocommerceSignature(body, SECRET) }))).toMatchObject({ code: 'signature_invalid' });
    expect(thrown(() => deliver(body, { signature: woocommerceSignature(body, 'other') }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('accepts the second configured secret during rotation', () => {
    const body = eventBytes('woocommerce', 'order-created');

    const result = deliver(body, { signature: woocommerceSignature(body, 'wc-new'), ctx: { secrets: [JSON.stringify([SECRET, 'wc-new'])] } });

    expect(result.outcome).toBe('work');
  });

  it('verifies a delivery signed after the webhook was saved again in WordPress, which sanitised the secret', () => {
    // sanitize_text_field drops `<d>`, the octet `%a1` and the doubled space; WordPress signs with what is left.
    const stored = 'Zq7<d>%a1  R{s;';
    const body = eventBytes('woocommerce', 'order-created');
    const ctx = { secrets: [stored] };

    expect(deliver(body, { signature: woocommerceSignature(body, 'Zq7 R{s;'), ctx }).outcome).toBe('work');
    expect(thrown(() => deliver(body, { signature: woocommerceSignature(body, 'Zq7R{s;'), ctx }))).toMatchObject({ code: 'signature_invalid' });
  });

  it('verifies with the secret WooCommerce decodes before signing (wp_specialchars_decode)', () => {
    const body = eventBytes('woocommerce', 'order-created');

    expect(deliver(body, { signature: woocommerceSignature(body, 'a<b&c'), ctx: { secrets: ['a&lt;b&amp;c'] } }).outcome).toBe('work');
  });

  it('refuses a signed delivery when no secret is configured', () => {
    expect(thrown(() => deliver(eventBytes('woocommerce', 'order-created'), { ctx: { secrets: [] } }))).toBeInstanceOf(WebhookSettingsError);
  });

  it('ignores topics other than order.created', () => {
    expect(deliver(eventBytes('woocommerce', 'order-created'), { topic: 'order.updated' }))
      .toEqual({ outcome: 'ignored', reason: 'WooCommerce event "order.updated" is not handled' });
  });

  it('answers 422 for a signed delivery without X-WC-Webhook-Topic', () => {
    expect(answered(() => deliver(eventBytes('woocommerce', 'order-created'), { topic: null })))
      .toMatchObject({ status: 422, code: 'required', field: 'x-wc-webhook-topic' });
  });

  it('answers 422 naming the field when the order id is not a number', () => {
    const order = eventJson('woocommerce', 'order-created');
    order.id = 'abc';

    expect(answered(() => deliver(Buffer.from(JSON.stringify(order))))).toMatchObject({ status: 422, code: 'invalid', field: 'id' });
  });
});
