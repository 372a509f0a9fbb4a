import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as leads } from '../../functions/leads.ts';
import { handler as worker } from '../../functions/worker.ts';
import { processLinks } from '../../lib/delivery/runtime.ts';
import { jsonPost } from '../support/events.ts';
import { lambdaContext } from '../support/lambda.ts';
import { useDeliveryStack } from '../support/stack.ts';

/**
 * The paths by which the delivery made a second record, parked good work on the first try, or failed
 * an edit (issue 11). Each test fails without its fix.
 */
const stack = useDeliveryStack({ maxReceiveCount: 3 });
const post = async (event: APIGatewayProxyEventV2) => {
  const answer = await leads(event, lambdaContext('leads'));
  expect(answer.statusCode).toBe(202);
  return (JSON.parse(String(answer.body)) as { id: string }).id;
};
const accounts = () => stack.sandbox.current.store.list('Accounts');
const inject = async (fault: Record<string, unknown>) => {
  const answer = await fetch(`${stack.sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(fault) });
  expect(answer.ok).toBe(true);
};
/** Waits for calls CSMART still carries out after the client gave up (a real backoff outlasts them). */
const idle = async () => { while (stack.sandbox.current.stats.inFlight > 0) await new Promise((r) => setTimeout(r, 10)); };

describe('path 1: a lead with only a phone number', () => {
  it.each([
    ['a truncated body', { kind: 'truncate' }],
    ['a timeout', { kind: 'latency', ms: 400 }],
  ])('makes one client when CSMART stored it but the answer was lost to %s', async (_name, fault) => {
    await inject({ ...fault, module: 'Accounts', action: 'Save', count: 1 });
    const id = await post(jsonPost('/leads', { company: 'Tylko telefon', phone: '601 234 567', message: 'Proszę o telefon' }));
    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 1 });
    await idle();
    await stack.drain(worker);
    expect(accounts()).toEqual([expect.objectContaining({ name: 'Tylko telefon', phone_mobile: '+48601234567' })]);
    expect(await processLinks().getStatus(id)).toMatchObject({ state: 'delivered' });
  });
});
