import { describe, expect, it } from 'vitest';
import { webhooks as handler, worker } from '../support/functions.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import { standardHeaders } from '../providers/support/signing.ts';

/*
 * A Standard Webhooks sender that adds fields and sends null is answered 200, and what it sent can be
 * read in CSMART: retrying a refused body only ends with the sender giving up and the lead lost.
 */
const SECRET = `whsec_${Buffer.from('tolerant-standard-webhooks-key-1').toString('base64')}`;
const stack = useDeliveryStack({ parameters: { [`${SSM_PREFIX}secrets/partner`]: SECRET } });

async function send(event: unknown, id: string) {
  const body = Buffer.from(JSON.stringify(event));
  const headers = standardHeaders(body, SECRET, id, Math.floor(Date.now() / 1000));
  return handler(httpEvent({ method: 'POST', path: '/webhooks/partner', routeKey: 'POST /webhooks/{source}', pathParameters: { source: 'partner' }, headers, body }), lambdaContext('webhooks'));
}

describe('Standard Webhooks lead.created from a sender that grew new fields', () => {
  it('is accepted, and the new fields are readable on the CSMART client', async () => {
    const answer = await send({
      type: 'lead.created', timestamp: null, schema_version: 3,
      data: { id: 'L-501', email: 'Ola@Firma.pl', telefon: '600 100 200', miasto: 'Gdańsk', nip: null, budget: 15000, interests: ['CRM', 'faktury'], lead_score: null },
    }, 'msg_1');
    expect(answer.statusCode).toBe(200);

    await stack.drain(worker);
    const [client] = stack.sandbox.current.store.list('Accounts') as Record<string, string>[];
    expect(client).toMatchObject({ email: 'ola@firma.pl', phone_mobile: '+48600100200', city: 'Gdańsk' });
    expect(client?.description).toContain('budget: 15000');
    expect(client?.description).toContain('interests: CRM, faktury');
    expect(client?.description).not.toMatch(/lead_score|null/);
  });

  it('enters a lead sent again under a new webhook-id once, by the sender\'s lead id', async () => {
    const lead = { type: 'lead.created', data: { id: 'L-777', email: 'raz@firma.pl', message: 'Tylko raz' } };
    expect((await send(lead, 'msg_a')).statusCode).toBe(200);
    await stack.drain(worker);
    stack.advance(6 * 60 * 1000);
    expect((await send(lead, 'msg_b')).statusCode).toBe(200);
    await stack.drain(worker);

    expect(stack.sandbox.current.store.list('Accounts')).toHaveLength(1);
    expect(stack.sandbox.current.requests.filter((r) => r.action === 'Save')).toHaveLength(1);
  });

  it('answers 422 naming data.nip when a NIP with a wrong check digit is all that identifies the lead', async () => {
    const answer = await send({ type: 'lead.created', data: { nip: '5252248482', message: 'x' } }, 'msg_n');
    expect(answer.statusCode).toBe(422);
    expect(JSON.parse(String(answer.body)).error).toMatchObject({ field: 'data.nip' });
    expect(stack.queue().messages()).toHaveLength(0);
  });
});
