import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { coldStart, leads, worker } from '../support/functions.ts';
import { createAccountDirectory } from '../../lib/delivery/account-directory.ts';
import { deliverJob, markerLine } from '../../lib/delivery/deliver.ts';
import { DeliveryLinkBusyError } from '../../lib/delivery/errors.ts';
import { redriveDeadLetters } from '../../lib/delivery/queue.ts';
import { enqueueJob } from '../../lib/intake/job-queue.ts';
import type { DeliveryJob } from '../../lib/intake/job.ts';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { useDeliveryStack } from '../support/stack.ts';
import { sdkSqs } from '../../lib/aws/sdk-sqs.ts';

const MAX_RECEIVE = 3;
const stack = useDeliveryStack({ maxReceiveCount: MAX_RECEIVE });
const post = async (event: APIGatewayProxyEventV2) => {
  const answer = await leads(event, lambdaContext('leads'));
  return { status: answer.statusCode, id: answer.statusCode === 202 ? (JSON.parse(String(answer.body)) as { id: string }).id : undefined };
};
const leadOf = (n: number) => ({ company: `Firma ${n} Łódź`, email: `lead${n}@example.pl`, phone: `60100${String(n).padStart(4, '0')}`, message: `Zapytanie ${n}` });
const accounts = () => stack.sandbox.current.store.list('Accounts');
const events = () => stack.sandbox.current.store.list('Events');
const inject = (fault: Record<string, unknown>) => fetch(`${stack.sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(fault) });
const clearFaults = () => fetch(`${stack.sandbox.current.adminUrl}/faults`, { method: 'DELETE' });
const urls = () => ({ queueUrl: stack.queue().url, dlqUrl: stack.dlq().url });

describe('the delivery pipeline', () => {
  it('delivers a lead as a client and a follow-up task', async () => {
    expect((await post(jsonPost('/leads', { ...leadOf(1), nip: '5260250274' }))).status).toBe(202);
    await stack.drain(worker);
    expect(accounts()).toEqual([expect.objectContaining({ name: 'Firma 1 Łódź', email: 'lead1@example.pl', nip: '5260250274' })]);
    expect(events()).toEqual([expect.objectContaining({ nip: '5260250274', time_start: '09:00' })]);
    expect(stack.queue().counts().total).toBe(0);
  });

  it('makes one client of the same submission sent twice, and ten times at once', async () => {
    await post(jsonPost('/leads', leadOf(2)));
    await post(jsonPost('/leads', leadOf(2)));
    await Promise.all(Array.from({ length: 10 }, () => post(jsonPost('/leads', leadOf(3)))));
    await stack.drain(worker);
    expect(accounts().map((a) => a.email).sort()).toEqual(['lead2@example.pl', 'lead3@example.pl']);
    expect(events()).toHaveLength(2);
  });

  it('suppresses a redelivery that arrives after the queue\'s five-minute dedupe window', async () => {
    await post(jsonPost('/leads', leadOf(4)));
    await stack.drain(worker);
    stack.advance(6 * 60 * 1000);
    await post(jsonPost('/leads', leadOf(4)));
    await stack.drain(worker);
    expect(accounts()).toHaveLength(1);
    expect(events()).toHaveLength(1);
  });

  it('edits the same client for a second enquiry from the same person, with a task for each', async () => {
    await post(jsonPost('/leads', { ...leadOf(5), message: 'Pierwsze' }));
    await post(jsonPost('/leads', { ...leadOf(5), message: 'Drugie' }));
    await stack.drain(worker);
    expect(accounts()).toHaveLength(1);
    expect(events()).toHaveLength(2);
  });

  it.each([
    ['HTTP 503', { kind: 'status', status: 503 }],
    ['an HTML error page', { kind: 'html' }],
    ['a dropped connection', { kind: 'drop' }],
    ['a timeout', { kind: 'latency', ms: 400 }],
    ['a truncated body', { kind: 'truncate' }],
    ['an empty body', { kind: 'empty' }],
    ['expired tokens that stay refused', { kind: 'expire' }],
  ])('accepts leads while CSMART fails with %s, parks them in the DLQ, and delivers each exactly once after a redrive', async (_name, fault) => {
    if (fault.kind === 'expire') { stack.sandbox.current.setTokenTtl(0); stack.sandbox.current.expireTokens(); }
    else await inject({ ...fault, count: -1 });
    const ids: string[] = [];
    for (let n = 10; n < 15; n++) {
      const { status, id } = await post(jsonPost('/leads', leadOf(n)));
      expect(status).toBe(202);
      ids.push(id!);
    }
    await stack.drain(worker);
    expect(stack.queue().counts().total).toBe(0);
    expect(stack.dlq().counts().total).toBe(5);
    expect(accounts()).toHaveLength(0);
    for (const id of ids) expect(await stack.links().getStatus(id)).toMatchObject({ state: 'dead-lettered', attempts: MAX_RECEIVE });

    await clearFaults();
    stack.sandbox.current.setTokenTtl(3600);
    const { moved } = await redriveDeadLetters(stack.sqsClient, urls());
    expect(moved.map((m) => m.jobId).sort()).toEqual([...ids].sort());
    await stack.drain(worker);
    expect(accounts().map((a) => a.email).sort()).toEqual(ids.map((_, i) => `lead${10 + i}@example.pl`).sort());
    expect(events()).toHaveLength(5);
    for (const id of ids) expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered' });
  });

  it('retries a passing outage with backoff and delivers without the DLQ', async () => {
    // More failures than the client's own attempts, so the worker sees the outage and the queue retries.
    await inject({ kind: 'status', status: 502, module: 'Accounts', action: 'List', count: 3 });
    await post(jsonPost('/leads', leadOf(20)));
    const first = await stack.pump(worker);
    expect(first).toEqual({ received: 1, failed: 1 });
    expect(stack.queue().inFlight()).toHaveLength(1);
    await stack.drain(worker);
    expect(accounts()).toHaveLength(1);
    expect(stack.dlq().counts().total).toBe(0);
  });

  it('fails a poison message alone: it goes to the DLQ, the rest of the batch is delivered', async () => {
    await stack.sqsClient.send(new SendMessageCommand({ QueueUrl: stack.queue().url, MessageBody: '{"not":"a job"}', MessageGroupId: 'poison', MessageDeduplicationId: 'poison-1' }));
    await post(jsonPost('/leads', leadOf(30)));
    await post(jsonPost('/leads', leadOf(31)));
    const result = await stack.pump(worker);
    expect(result).toEqual({ received: 3, failed: 0 });
    expect(accounts()).toHaveLength(2);
    const [parked] = stack.dlq().messages();
    expect(parked?.body).toBe('{"not":"a job"}');
    expect(parked?.messageAttributes.reason?.StringValue).toMatch(/^poison: /);
  });

  it('sends work CSMART refuses straight to the DLQ with CSMART\'s reason', async () => {
    const job = record('refused', 'Opportunities', { name: 'Zamówienie', account_id: '999999' });
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, job);
    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 0 });
    expect(stack.dlq().messages()[0]?.messageAttributes.reason?.StringValue).toMatch(/^validation: CSMART Opportunities\/Save refused: /);
    expect(await stack.links().getStatus(job.id)).toMatchObject({ state: 'dead-lettered', reason: expect.stringContaining('validation') });
  });

  it('frees the link of a create CSMART refused, so a later update of the same entity is not blocked', async () => {
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, record('order-1', 'Opportunities', { name: 'Zamówienie', account_id: '999999' }));
    await stack.drain(worker);
    expect(stack.dlq().counts().total).toBe(1);
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, record('order-1', 'Opportunities', { name: 'Zamówienie, poprawione' }));
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Opportunities')).toEqual([expect.objectContaining({ name: 'Zamówienie, poprawione' })]);
    expect(stack.dlq().counts().total).toBe(1);
  });

  it('adds to an updated client\'s description instead of replacing what is there', async () => {
    const existing = stack.sandbox.current.store.put('Accounts', { name: 'Klient', email: 'stary@example.pl', description: 'Notatka handlowca' });
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, account('stary@example.pl', { name: 'Klient', email: 'stary@example.pl', description: 'Zgoda RODO: tak' }));
    await stack.drain(worker);
    expect(stack.sandbox.current.store.get('Accounts', existing.id)?.description).toBe('Notatka handlowca\n\nZgoda RODO: tak');
  });

  it('attaches the task to a client found through the link table by its NIP', async () => {
    const lead = { company: 'Firma z NIP', email: 'nip@example.pl', nip: '5260250274' };
    await post(jsonPost('/leads', { ...lead, message: 'Pierwsze' }));
    await stack.drain(worker);
    await post(jsonPost('/leads', { ...lead, message: 'Drugie' }));
    await stack.drain(worker);
    expect(accounts()).toHaveLength(1);
    expect(events().map((e) => e.nip)).toEqual(['5260250274', '5260250274']);
  });

  it('makes one client when two sources create the same new client at the same moment', async () => {
    const client = stack.csmartClient();
    // Two worker processes, each with its own Accounts cache, whose creates overlap in time.
    const slow = { list: client.list, save: async (...args: Parameters<typeof client.save>) => { await new Promise((r) => setTimeout(r, 150)); return client.save(...args); } };
    const deps = () => ({ client: slow, links: stack.links(), accounts: createAccountDirectory({ client, ttlMs: 30_000 }) });
    const fromLead = account('same@example.pl', { name: 'Ta sama firma', email: 'same@example.pl', nip: '5260250274' }, '5260250274');
    const fromShop = account('same@example.pl', { name: 'Ta sama firma', email: 'same@example.pl' });
    const [a, b] = await Promise.allSettled([deliverJob(fromLead, deps(), 'd-lead'), deliverJob(fromShop, deps(), 'd-shop')]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const busy = [a, b].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(busy.reason).toBeInstanceOf(DeliveryLinkBusyError);
    // The queue retries the one that waited: it finds the client the other created.
    await deliverJob(a.status === 'rejected' ? fromLead : fromShop, deps(), 'd-retry', 2);
    expect(accounts()).toHaveLength(1);
  });

  it('creates the client again when the one linked was deleted in CSMART, instead of failing on its id', async () => {
    // Another client stays: a List with none at all would be a glitch, not a deletion (lib/delivery/list-guard.ts).
    stack.sandbox.current.store.put('Accounts', { name: 'Inny klient', email: 'inny@example.pl' });
    await post(jsonPost('/leads', { ...leadOf(40), message: 'Pierwsze' }));
    await stack.drain(worker);
    const first = accounts().find((a) => a.email === 'lead40@example.pl');
    stack.sandbox.current.store.delete('Accounts', first!.id);
    // Some time later: the worker's Accounts list (kept 30 s) no longer has the client.
    coldStart();
    await post(jsonPost('/leads', { ...leadOf(40), message: 'Drugie' }));
    await stack.drain(worker);
    expect(accounts().filter((a) => a.email === 'lead40@example.pl')).toEqual([expect.objectContaining({ email: 'lead40@example.pl' })]);
    expect(accounts().find((a) => a.email === 'lead40@example.pl')?.id).not.toBe(first!.id);
    expect(stack.dlq().counts().total).toBe(0);
  });

  it('keeps a task whose NIP is not a CSMART client, with the NIP in its description', async () => {
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, task('unknown-nip', { name: 'Telefon', nip: '1111111111', description: 'Od partnera' }));
    await stack.drain(worker);
    expect(events()).toEqual([expect.objectContaining({ name: 'Telefon', description: expect.stringContaining('NIP: 1111111111') })]);
    expect(events()[0]?.nip).toBeUndefined();
    expect(stack.dlq().counts().total).toBe(0);
  });

  it('delivers on the next attempt, with one client and one task, when the first attempt\'s client Save fails', async () => {
    await inject({ kind: 'drop', module: 'Accounts', action: 'Save', count: 1 });

    const { id } = await post(jsonPost('/leads', { ...leadOf(40), nip: '5260250274' }));
    await stack.drain(worker);

    // The failed attempt released its claims to the job's next attempt: it takes them over at once, no stale wait.
    expect(await stack.links().getStatus(id!)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(accounts()).toHaveLength(1);
    expect(events()).toHaveLength(1);
    expect(stack.dlq().counts().total).toBe(0);
  });

  it('finds the record a crashed attempt created instead of creating it twice', async () => {
    const job = task('crash', { name: 'Oddzwonić' });
    // The crashed attempt: it claimed the link and created the task, then stopped before linking it.
    const claim = await stack.links().claim({ source: 'test', externalId: 'crash' }, 'Events', job.id);
    stack.sandbox.current.store.put('Events', { name: 'Oddzwonić', description: markerLine(claim.link.marker) });
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, job);
    await stack.drain(worker);
    expect(events()).toHaveLength(1);
  });

  it('edits the record of an alias (a rescheduled booking) instead of creating another', async () => {
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, task('booking-a', { name: 'Spotkanie', time_start: '10:00' }));
    await stack.drain(worker);
    const moved = task('booking-b', { name: 'Spotkanie', time_start: '12:00' }, [{ source: 'test', externalId: 'booking-a' }]);
    await enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, moved);
    await stack.drain(worker);
    expect(events()).toEqual([expect.objectContaining({ time_start: '12:00' })]);
  });
});

function task(externalId: string, fields: Record<string, string>, aliases?: { source: string; externalId: string }[]): DeliveryJob {
  return record(externalId, 'Events', fields, aliases);
}

function account(email: string, fields: Record<string, string>, nip?: string): DeliveryJob {
  return {
    v: 1, id: `job-client-${Math.random().toString(36).slice(2)}`, source: 'test', kind: 'client', receivedAt: new Date().toISOString(),
    groupKey: email, dedupeKey: `${email}-${Math.random()}`,
    steps: [{ kind: 'account', fields, match: { email, ...(nip ? { nip } : {}) }, onMatch: 'update' }],
  };
}

function record(externalId: string, module: 'Events' | 'Opportunities', fields: Record<string, string>, aliases?: { source: string; externalId: string }[]): DeliveryJob {
  return {
    v: 1, id: `job-${externalId}-${Math.random().toString(36).slice(2)}`, source: 'test', kind: 'task', receivedAt: new Date().toISOString(),
    groupKey: externalId, dedupeKey: `${externalId}-${Math.random()}`,
    steps: [{ kind: 'record', module, fields, link: { source: 'test', externalId }, ...(aliases ? { aliases } : {}) }],
  };
}
