import { describe, expect, it } from 'vitest';
import { leads, worker } from '../support/functions.ts';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { useDeliveryStack } from '../support/stack.ts';

/*
 * SQS may hand one message to two consumers: when a delivery outlasts the visibility timeout, the
 * message becomes visible again and a second worker receives it while the first still works on it.
 * Whatever the interleaving, CSMART must end with one record of each kind.
 */

const stack = useDeliveryStack({ maxReceiveCount: 5 });

const inject = (fault: Record<string, unknown>) => fetch(`${stack.sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(fault) });

describe('one message held by two workers at once', () => {
  it.each([
    ['the client Save', { module: 'Accounts', action: 'Save' }],
    ['the follow-up task', { module: 'Events', action: 'Save' }],
  ])('makes one client and one task when the visibility timeout expires during %s', async (_case, where) => {
    const lead = { company: 'Firma Dwóch Workerów', email: 'dwa@example.pl', nip: '5260250274', message: 'Dwa razy?' };
    expect((await leads(jsonPost('/leads', lead), lambdaContext('leads'))).statusCode).toBe(202);
    // The first worker's CSMART call is slow (but within the client's timeout) and is stored.
    await inject({ kind: 'latency', ms: 150, count: 1, ...where });

    const [held] = await stack.receive();
    const first = stack.invoke(worker, [held!]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    stack.advance(361_000);
    const [again] = await stack.receive();
    const second = stack.invoke(worker, [again!]);
    await Promise.all([first, second]);
    // Whatever was handed back is delivered later, as SQS would offer it again.
    await stack.drain(worker);

    expect(again?.MessageId).toBe(held?.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(stack.sandbox.current.store.list('Accounts').filter((a) => a.email === lead.email)).toHaveLength(1);
    expect(stack.sandbox.current.store.list('Events')).toHaveLength(1);
    expect(stack.queue().counts().total).toBe(0);
    expect(stack.dlq().counts().total).toBe(0);
  });
});
