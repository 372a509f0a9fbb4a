import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coldStart, webhooks as handler } from '../support/functions.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import { eventBytes } from '../providers/support/fixtures.ts';
import { typeformSignature, woocommerceSignature } from '../providers/support/signing.ts';
import { PRINTABLE } from '../support/printable.ts';

/*
 * WooCommerce generates secrets with wp_generate_password(50, true, true): spaces, commas, quotes,
 * `=`… in about two secrets of three. Each must verify exactly as stored, alone or during a rotation.
 */
const stack = useDeliveryStack();
const ORDER = eventBytes('woocommerce', 'order-created');
const FORM = eventBytes('typeform', 'form-response');

function storeSecret(source: string, value: string): void {
  stack.ssm.params[`${SSM_PREFIX}secrets/${source}`] = value;
  // A new value is read on the next cache period; the test starts a fresh one (a new execution environment).
  coldStart();
}

async function deliverOrder(secret: string, deliveryId: string) {
  const headers = {
    'content-type': 'application/json', 'x-wc-webhook-signature': woocommerceSignature(ORDER, secret), 'x-wc-webhook-topic': 'order.created',
    'x-wc-webhook-resource': 'order', 'x-wc-webhook-event': 'created', 'x-wc-webhook-id': '3', 'x-wc-webhook-delivery-id': deliveryId,
  };
  const answer = await handler(httpEvent({ method: 'POST', path: '/webhooks/woocommerce', routeKey: 'POST /webhooks/{source}', pathParameters: { source: 'woocommerce' }, headers, body: ORDER }), lambdaContext('webhooks'));
  return answer.statusCode;
}

// Secrets the way wp_generate_password(50, true, true) makes them, and a few chosen to hit every separator.
const wooSecret = fc.string({ unit: fc.constantFrom(...PRINTABLE), minLength: 50, maxLength: 50 }).filter((s) => s.trim() !== '');
const CHOSEN = [PRINTABLE, ' leading and trailing spaces ', 'a,b c', '"quoted"', 'key=value==', "it's", '[not, a list]', '["looks", "like json"]'];

describe('webhook secrets of any printable shape', () => {
  it.each(CHOSEN)('accepts a WooCommerce delivery signed with the single stored secret %j', async (secret) => {
    storeSecret('woocommerce', secret);
    expect(await deliverOrder(secret, 'd-1')).toBe(200);
  });

  it('accepts deliveries signed with random 50-character printable secrets, stored alone', async () => {
    await fc.assert(fc.asyncProperty(wooSecret, async (secret) => {
      storeSecret('woocommerce', secret);
      expect(await deliverOrder(secret, 'd-2')).toBe(200);
    }), { numRuns: 25 });
  });

  it('accepts either secret during a rotation stored one per line, and refuses a third', async () => {
    await fc.assert(fc.asyncProperty(fc.uniqueArray(wooSecret, { minLength: 3, maxLength: 3 }), async ([oldSecret, newSecret, other]) => {
      storeSecret('woocommerce', `${oldSecret}\n${newSecret}\n`);
      expect([await deliverOrder(oldSecret!, 'd-3'), await deliverOrder(newSecret!, 'd-4'), await deliverOrder(other!, 'd-5')]).toEqual([200, 200, 401]);
    }), { numRuns: 10 });
  });

  it('accepts either secret during a rotation stored as a JSON array', async () => {
    const secrets = [PRINTABLE, 'second, with "quotes" and = signs '];
    storeSecret('typeform', JSON.stringify(secrets));
    for (const secret of secrets) {
      const answer = await handler(httpEvent({
        method: 'POST', path: '/webhooks/typeform', routeKey: 'POST /webhooks/{source}', pathParameters: { source: 'typeform' },
        headers: { 'content-type': 'application/json', 'typeform-signature': typeformSignature(FORM, secret) }, body: FORM,
      }), lambdaContext('webhooks'));
      expect(answer.statusCode).toBe(200);
    }
  });

  // [as stored in SSM, as WordPress keeps it after the webhook form is saved again] (values from WordPress itself).
  it.each([
    ['Zq7<d>%a1  R{s;', 'Zq7 R{s;'],
    [' lead-in space, [a] <b c=1> %2Fpath end ', 'lead-in space, [a] path end'],
    ['x<y&amp;z', 'x<y&z'],
  ])('accepts a delivery signed after a re-save in WordPress sanitised the stored secret %j, and still refuses another', async (stored, resaved) => {
    storeSecret('woocommerce', stored);
    expect([await deliverOrder(resaved, 'd-8'), await deliverOrder(`${resaved}x`, 'd-9')]).toEqual([200, 401]);
  });

  it('refuses a delivery signed with a piece of a stored secret that holds a space', async () => {
    storeSecret('woocommerce', 'first-half second-half');
    expect([await deliverOrder('first-half', 'd-6'), await deliverOrder('second-half', 'd-7')]).toEqual([401, 401]);
  });
});
