import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { coldStart, leads, webhooks, worker } from '../support/functions.ts';
import { createAccountDirectory } from '../../lib/delivery/account-directory.ts';
import { deliverJob, markerLine } from '../../lib/delivery/deliver.ts';
import { DeliveryLinkBusyError } from '../../lib/delivery/errors.ts';
import type { DeliveryJob } from '../../lib/intake/job.ts';
import { redriveDeadLetters } from '../../lib/delivery/queue.ts';
import { enqueueJob } from '../../lib/intake/job-queue.ts';
import { httpEvent, jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import { modeFromEnv } from '../support/sandbox-modes.ts';
import { eventJson } from '../providers/support/fixtures.ts';
import { standardHeaders } from '../providers/support/signing.ts';
import { recordJob, task } from './support/jobs.ts';
import { sdkSqs } from '../../lib/aws/sdk-sqs.ts';

/**
 * The paths by which the delivery made a second record, parked good work on the first try, or failed
 * an edit (issue 11). Each test fails without its fix.
 */
const ERP_SECRET = `whsec_${Buffer.from('loss-paths-erp-key').toString('base64')}`;
const stack = useDeliveryStack({ maxReceiveCount: 3, parameters: { [`${SSM_PREFIX}secrets/erp`]: ERP_SECRET } });
/** A Standard Webhooks delivery from the `erp` source, signed as the sender signs it. */
const signedWebhook = async (source: 'erp', payload: unknown, webhookId: string) => {
  const body = Buffer.from(JSON.stringify(payload));
  const headers = standardHeaders(body, ERP_SECRET, webhookId, Math.floor(Date.now() / 1000));
  return webhooks(httpEvent({
    method: 'POST', path: `/webhooks/${source}`, routeKey: 'POST /webhooks/{source}', pathParameters: { source },
    headers: { 'content-type': 'application/json', ...headers }, body,
  }), lambdaContext('webhooks'));
};
const post = async (event: APIGatewayProxyEventV2) => {
  const answer = await leads(event, lambdaContext('leads'));
  expect(answer.statusCode).toBe(202);
  return (JSON.parse(String(answer.body)) as { id: string }).id;
};
const enqueue = (job: DeliveryJob) => enqueueJob(sdkSqs(stack.sqsClient), stack.queue().url, job);
/** Some time later: the worker's Accounts list (kept 30 s) is read again, as in a new execution environment. */
const resetAccountCache = () => coldStart();
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
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered' });
  });
});

describe('path 2: an empty or null List answer', () => {
  it.each(['empty-list', 'null-list'])('is a glitch to retry, not a deleted client, when links say clients exist (%s)', async (kind) => {
    const lead = { company: 'Stały klient', email: 'staly@example.pl', message: 'Pierwsze' };
    await post(jsonPost('/leads', lead));
    await stack.drain(worker);
    const [client] = accounts();
    // Later, with the worker's Accounts list expired, CSMART answers the List with no records.
    resetAccountCache();
    // Two attempts meet it (each a failure to retry); the third, with the queue's last receive, is delivered.
    await inject({ kind, module: 'Accounts', action: 'List', count: 2 });
    const second = await post(jsonPost('/leads', { ...lead, message: 'Drugie' }));
    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 1 });
    await stack.drain(worker);
    expect(await stack.links().getStatus(second)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(accounts()).toEqual([expect.objectContaining({ id: client!.id })]);
    expect(stack.sandbox.current.store.list('Events')).toHaveLength(2);
    expect(stack.dlq().counts().total).toBe(0);
  });

  it('is a glitch for a task whose earlier attempt may have created it', async () => {
    await enqueue(task('known', { name: 'Pierwsze zadanie' }));
    await stack.drain(worker);
    // An attempt that claimed its task and stopped; the retry looks for its marker in a List that comes back empty.
    const job = task('crashed', { name: 'Oddzwonić' });
    const claim = await stack.links().claim({ source: 'test', externalId: 'crashed' }, 'Events', job.id);
    stack.sandbox.current.store.put('Events', { name: 'Oddzwonić', description: markerLine(claim.link.marker) });
    await inject({ kind: 'null-list', module: 'Events', action: 'List', count: 2 });
    await enqueue(job);
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Events').map((e) => e.name)).toEqual(['Pierwsze zadanie', 'Oddzwonić']);
  });
});

describe('path 3: an error text CSMART answers inside HTTP 200 that we do not know', () => {
  it('is retried with backoff and delivered, not parked as refused data', async () => {
    // Twice: the client logs in again once and repeats the Save (the text might mean an expired token), then gives up for now.
    await inject({ kind: 'error', text: 'Trwa aktualizacja bazy. Prosimy o cierpliwość.', module: 'Accounts', action: 'Save', count: 2 });
    const id = await post(jsonPost('/leads', { company: 'Firma w czasie aktualizacji', email: 'aktualizacja@example.pl' }));
    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 1 });
    await stack.drain(worker);
    expect(accounts()).toEqual([expect.objectContaining({ email: 'aktualizacja@example.pl' })]);
    expect(stack.dlq().counts().total).toBe(0);
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('parks a known refusal of the data at once, with CSMART\'s reason', async () => {
    await inject({ kind: 'error', text: 'Pole name jest wymagane.', module: 'Accounts', action: 'Save', count: 1 });
    const id = await post(jsonPost('/leads', { company: 'Firma odrzucona', email: 'odrzucona@example.pl' }));
    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 0 });
    expect(stack.dlq().messages()[0]?.messageAttributes.reason?.StringValue).toBe('validation: CSMART Accounts/Save refused: Pole name jest wymagane.');
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'dead-lettered', attempts: 1 });
  });
});

describe('path 4: an edit that sends only some fields', () => {
  it('closes the task of a Standard Webhooks calendar_event.cancelled that carries only the event id', async () => {
    const created = eventJson('standard', 'calendar-event-created');
    expect((await signedWebhook('erp', { ...created, data: { ...created.data, id: 'evt_cancel_1' } }, 'msg_c1')).statusCode).toBe(200);
    await stack.drain(worker);
    const cancelled = await signedWebhook('erp', { type: 'calendar_event.cancelled', timestamp: '2026-03-14T07:00:00Z', data: { id: 'evt_cancel_1' } }, 'msg_c2');
    const id = (JSON.parse(String(cancelled.body)) as { id: string }).id;
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Events')).toEqual([expect.objectContaining({ name: created.data.title, status: 'zamknięte' })]);
    expect(stack.dlq().counts().total).toBe(0);
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered', records: [{ module: 'Events', action: 'updated' }] });
  });
});

describe('path 4b: a bare cancellation for a CSMART that requires a task\'s name on edits too', () => {
  const cancel = async (eventId: string, webhookId: string) => {
    const answer = await signedWebhook('erp', { type: 'calendar_event.cancelled', timestamp: '2026-03-14T07:00:00Z', data: { id: eventId } }, webhookId);
    return (JSON.parse(String(answer.body)) as { id: string }).id;
  };
  const taskSaves = () => stack.sandbox.current.requests.filter((r) => r.module === 'Events' && r.action !== 'Login');
  beforeEach(() => {
    stack.sandbox.current.settings.requiredOnEdit = 'sent';
  });

  // Under CSMART_EDIT_MODE=replace every edit reads the task first by design: the subject kept saves a List only under merge.
  it.skipIf(modeFromEnv()?.settings.CSMART_EDIT_MODE === 'replace')('closes a task the integration created, sending the subject it kept instead of reading the task', async () => {
    const created = eventJson('standard', 'calendar-event-created');
    await signedWebhook('erp', { ...created, data: { ...created.data, id: 'evt_strict_1' } }, 'msg_s1');
    await stack.drain(worker);
    const before = taskSaves().length;

    const id = await cancel('evt_strict_1', 'msg_s2');
    await stack.drain(worker);

    expect(stack.sandbox.current.store.list('Events')).toEqual([expect.objectContaining({ name: created.data.title, status: 'zamknięte' })]);
    expect(taskSaves().slice(before).map((r) => `${r.action} ${[...r.fields].sort().join(',')}`)).toEqual(['Save name,status']);
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered', records: [{ module: 'Events', action: 'updated' }] });
    expect(stack.dlq().counts().total).toBe(0);
  });

  it('closes a task linked before subjects were kept by reading its subject from CSMART, never inventing one', async () => {
    const task = stack.sandbox.current.store.put('Events', { name: 'Spotkanie sprzed zmiany', status: 'nowe' });
    await stack.links().set({ source: 'erp', externalId: 'evt_strict_old' }, 'Events', String(task.id), 'earlier-job');

    const id = await cancel('evt_strict_old', 'msg_s3');
    await stack.drain(worker);

    expect(stack.sandbox.current.store.get('Events', task.id)).toEqual({ id: task.id, name: 'Spotkanie sprzed zmiany', status: 'zamknięte' });
    expect(taskSaves().map((r) => `${r.action} ${[...r.fields].sort().join(',')}`)).toEqual(['List ', 'Save name,status']);
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered' });
  });
});

describe('path 5: an edit of a record deleted in CSMART', () => {
  const events = () => stack.sandbox.current.store.list('Events');
  const reasonParked = () => stack.dlq().messages()[0]?.messageAttributes.reason?.StringValue;
  // Other records stay in each module: a List with none at all would be a glitch (path 2), not a deletion.
  beforeEach(() => {
    stack.sandbox.current.store.put('Events', { name: 'Zadanie handlowca' });
    stack.sandbox.current.store.put('Opportunities', { name: 'Szansa handlowca' });
  });

  it('creates a task again when the edit carries the whole task (a moved booking)', async () => {
    await enqueue(task('booking-del', { name: 'Spotkanie', time_start: '10:00' }));
    await stack.drain(worker);
    stack.sandbox.current.store.delete('Events', events()[1]!.id);
    const moved = task('booking-del', { name: 'Spotkanie', time_start: '12:00' });
    await enqueue(moved);
    await stack.drain(worker);
    expect(events()).toEqual([expect.objectContaining({ name: 'Zadanie handlowca' }), expect.objectContaining({ name: 'Spotkanie', time_start: '12:00' })]);
    expect(stack.dlq().counts().total).toBe(0);
    expect(await stack.links().getStatus(moved.id)).toMatchObject({ state: 'delivered', records: [{ module: 'Events', action: 'created' }] });
  });

  it('parks a bare edit (a cancellation) of a deleted task with the reason, creating nothing', async () => {
    await enqueue(task('booking-gone', { name: 'Spotkanie' }));
    await stack.drain(worker);
    const [, deleted] = events();
    stack.sandbox.current.store.delete('Events', deleted!.id);
    await enqueue(task('booking-gone', { status: 'zamknięte' }, { ifMissing: 'skip' }));
    await stack.drain(worker);
    expect(events()).toEqual([expect.objectContaining({ name: 'Zadanie handlowca' })]);
    expect(reasonParked()).toBe(`record_deleted: Events record ${deleted!.id} was deleted in CSMART; the edit was not applied and the record is not created again`);
  });

  it('parks a bare edit of a deleted task at once with the reason when it was the only task, so that CSMART lists none', async () => {
    await enqueue(task('only-one', { name: 'Jedyne spotkanie' }));
    await stack.drain(worker);
    for (const event of events()) stack.sandbox.current.store.delete('Events', event.id);
    const cancel = task('only-one', { status: 'zamknięte' }, { ifMissing: 'skip' });
    await enqueue(cancel);

    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 0 });

    expect(stack.sandbox.current.requests.filter((r) => r.module === 'Events' && r.action === 'Save')).toHaveLength(2);
    expect(reasonParked()).toMatch(/^record_deleted: Events record \d+ is not listed by CSMART \(its List answered no records\) and its edit was refused \(CSMART Events\/Save refused: [^)]+\)/);
    expect(await stack.links().getStatus(cancel.id)).toMatchObject({ state: 'dead-lettered', attempts: 1 });
  });

  it('retries, not creates again, a moved booking whose task CSMART refuses while its List answers no records (maybe a glitch)', async () => {
    await enqueue(task('only-moved', { name: 'Spotkanie', time_start: '10:00' }));
    await stack.drain(worker);
    for (const event of events()) stack.sandbox.current.store.delete('Events', event.id);
    await enqueue(task('only-moved', { name: 'Spotkanie', time_start: '12:00' }));

    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 1 });
    expect(events()).toEqual([]);
  });

  it('parks an edit of a deleted opportunity with the reason: a deal deleted by sales staff stays deleted', async () => {
    await enqueue(recordJob('order-del', 'Opportunities', { name: 'Zamówienie 1' }));
    await stack.drain(worker);
    const [, deleted] = stack.sandbox.current.store.list('Opportunities');
    stack.sandbox.current.store.delete('Opportunities', deleted!.id);
    const edit = recordJob('order-del', 'Opportunities', { name: 'Zamówienie 1, poprawione' });
    await enqueue(edit);
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Opportunities')).toEqual([expect.objectContaining({ name: 'Szansa handlowca' })]);
    expect(reasonParked()).toMatch(/^record_deleted: Opportunities record \d+ was deleted in CSMART/);
    expect(await stack.links().getStatus(edit.id)).toMatchObject({ state: 'dead-lettered', attempts: 1 });
  });

  it('finds or creates a deleted client again (its module\'s rule), keeping other clients as they are', async () => {
    stack.sandbox.current.store.put('Accounts', { name: 'Inny klient', email: 'inny@example.pl' });
    await post(jsonPost('/leads', { company: 'Usunięty', email: 'usuniety@example.pl', message: 'Pierwsze' }));
    await stack.drain(worker);
    stack.sandbox.current.store.delete('Accounts', accounts().find((a) => a.email === 'usuniety@example.pl')!.id);
    resetAccountCache();
    await post(jsonPost('/leads', { company: 'Usunięty', email: 'usuniety@example.pl', message: 'Drugie' }));
    await stack.drain(worker);
    expect(accounts().map((a) => a.email)).toEqual(['inny@example.pl', 'usuniety@example.pl']);
    expect(stack.dlq().counts().total).toBe(0);
  });
});

describe('path 6: the crash-recovery marker', () => {
  /** The unkeyed marker anyone could compute for a guessable link key (how it was made before). */
  const guessableMarker = (source: string, externalId: string) =>
    `[csmart-connect ${createHash('sha256').update(`link#${source}#${externalId}`).digest('hex').slice(0, 16)}]`;

  it('cannot be forged by a lead: a message carrying another entity\'s marker never captures its record', async () => {
    // A lead's message names the marker of a booking that is still to come; it lands in the lead's task.
    await post(jsonPost('/leads', { company: 'Napastnik', email: 'napastnik@example.pl', message: `Dzień dobry ${guessableMarker('test', 'evt_forged')}` }));
    await stack.drain(worker);
    // The booking's first attempt claims its link and fails before CSMART stores anything; the retry looks for its marker.
    await inject({ kind: 'status', status: 503, module: 'Events', action: 'Save', count: 1 });
    const booking = task('evt_forged', { name: 'Prezentacja', time_start: '10:00' });
    await enqueue(booking);
    await stack.drain(worker);
    const tasks = stack.sandbox.current.store.list('Events');
    expect(tasks.map((t) => t.name)).toEqual([expect.stringContaining('Napastnik'), 'Prezentacja']);
    expect(String(tasks[0]!.description)).toContain('Dzień dobry');
  });

  it('is stripped from inbound text, so no record carries a marker it was not given by us', async () => {
    await post(jsonPost('/leads', { company: 'Firma', email: 'firma@example.pl', message: 'Proszę [csmart-connect 0123456789abcdef] o kontakt' }));
    await stack.drain(worker);
    const descriptions = [...accounts(), ...stack.sandbox.current.store.list('Events')].map((r) => String(r.description));
    expect(descriptions.join('\n')).not.toContain('[csmart-connect 0123456789abcdef]');
    expect(descriptions.every((d) => d.includes('Proszę') && d.includes('o kontakt'))).toBe(true);
  });
});

describe('path 8: the NIP on follow-up tasks', () => {
  const events = () => stack.sandbox.current.store.list('Events');

  it('is sent exactly as the client record stores it, for a CSMART that compares the stored text', async () => {
    stack.sandbox.current.settings.nipMatch = 'exact';
    stack.sandbox.current.store.put('Accounts', { name: 'Firma z myślnikami', nip: '526-025-02-74' });
    const id = await post(jsonPost('/leads', { company: 'Firma z myślnikami', email: 'nowy@example.pl', nip: '5260250274' }));
    await stack.drain(worker);
    expect(events()).toEqual([expect.objectContaining({ nip: '526-025-02-74' })]);
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered' });
  });

  it('is sent as stored for a webhook task naming a known client too', async () => {
    stack.sandbox.current.settings.nipMatch = 'exact';
    stack.sandbox.current.store.put('Accounts', { name: 'Klient', nip: 'PL 526 025 02 74' });
    await enqueue(task('nip-as-stored', { name: 'Telefon', nip: '5260250274' }));
    await stack.drain(worker);
    expect(events()).toEqual([expect.objectContaining({ name: 'Telefon', nip: 'PL 526 025 02 74' })]);
  });

  it('falls back, for a lead follow-up, to a task without the NIP (kept in its description) when CSMART refuses the NIP', async () => {
    await inject({ kind: 'error', text: 'Nie znaleziono klienta o podanym NIP.', module: 'Events', action: 'Save', count: 1 });
    const id = await post(jsonPost('/leads', { company: 'Firma', email: 'nip-odrzucony@example.pl', nip: '5260250274' }));
    await stack.drain(worker);
    const [followUp] = events();
    expect(followUp?.nip).toBeUndefined();
    expect(String(followUp?.description)).toContain('NIP: 5260250274 (CSMART did not match it to a client)');
    expect(stack.dlq().counts().total).toBe(0);
    expect(await stack.links().getStatus(id)).toMatchObject({ state: 'delivered' });
  });
});

describe('the same message held by two workers at once (its visibility expired under the first)', () => {
  it('creates one client and one task: the second receive waits for the first instead of taking its claim over', async () => {
    const client = stack.csmartClient();
    const slow = { list: client.list, save: async (...args: Parameters<typeof client.save>) => { await new Promise((r) => setTimeout(r, 150)); return client.save(...args); } };
    const deps = () => ({ client: slow, links: stack.links(), accounts: createAccountDirectory({ client, ttlMs: 30_000 }) });
    const job: DeliveryJob = {
      v: 1, id: 'job-twice', source: 'leads', kind: 'lead', receivedAt: new Date().toISOString(), groupKey: 'p', dedupeKey: 'twice',
      steps: [
        { kind: 'account', fields: { name: 'Dwa razy', phone_mobile: '+48601000222' }, match: {}, onMatch: 'keep' },
        { kind: 'record', module: 'Events', fields: { name: 'Oddzwonić' }, link: { source: 'leads', externalId: 'twice:task' }, withAccount: true },
      ],
    };
    const [first, second] = await Promise.allSettled([deliverJob(job, deps(), 'd-twice', 1), deliverJob(job, deps(), 'd-twice', 2)]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(([first, second].find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(DeliveryLinkBusyError);
    await deliverJob(job, deps(), 'd-twice', 3);
    expect(accounts()).toHaveLength(1);
    expect(stack.sandbox.current.store.list('Events')).toHaveLength(1);
  });

  it('lets the next attempt take over at once what a failed attempt claimed', async () => {
    await inject({ kind: 'status', status: 503, module: 'Events', action: 'Save', count: 1 });
    const job = task('released', { name: 'Zadanie' });
    await enqueue(job);
    expect(await stack.pump(worker)).toEqual({ received: 1, failed: 1 });
    await stack.drain(worker);
    expect(await stack.links().getStatus(job.id)).toMatchObject({ state: 'delivered', attempts: 2 });
  });
});

describe('a cancellation that arrives before its booking', () => {
  it('is kept and saved with the booking\'s task when it comes, so the task is created closed', async () => {
    const cancel = task('evt-early', { status: 'zamknięte' }, { ifMissing: 'skip' });
    await enqueue(cancel);
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Events')).toEqual([]);
    expect(await stack.links().getStatus(cancel.id)).toMatchObject({ state: 'delivered', records: [{ module: 'Events', action: 'deferred' }] });
    await enqueue(task('evt-early', { name: 'Prezentacja', status: 'nowe', time_start: '10:00' }));
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Events')).toEqual([expect.objectContaining({ name: 'Prezentacja', status: 'zamknięte', time_start: '10:00' })]);
  });
});

describe('the same lead sent again after the queue\'s five-minute window, while the first waits in the DLQ', () => {
  it('edits the one task the first attempt stored instead of making a second', async () => {
    const lead = { company: 'Ponowiony', email: 'ponowiony@example.pl', message: 'Proszę o kontakt' };
    // Every task Save is stored, but its answer never comes: the first submission ends in the DLQ.
    await inject({ kind: 'latency', ms: 400, module: 'Events', action: 'Save', count: -1 });
    await post(jsonPost('/leads', lead));
    // As a real backoff (a minute and more) does, each retry comes after CSMART finished the call given up on.
    for (let round = 0; round < 10 && stack.queue().counts().total > 0; round++) {
      if ((await stack.pump(worker)).received === 0) stack.advance(121 * 60 * 1000);
      await idle();
    }
    expect(stack.dlq().counts().total).toBe(1);
    await fetch(`${stack.sandbox.current.adminUrl}/faults`, { method: 'DELETE' });
    // The visitor sends the form again, past the queue's dedupe window.
    stack.advance(6 * 60 * 1000);
    const again = await post(jsonPost('/leads', lead));
    await stack.drain(worker);
    expect(await stack.links().getStatus(again)).toMatchObject({ state: 'delivered' });
    await redriveDeadLetters(stack.sqsClient, { queueUrl: stack.queue().url, dlqUrl: stack.dlq().url });
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Events')).toEqual([expect.objectContaining({ name: 'Contact the lead: Ponowiony' })]);
    expect(accounts()).toHaveLength(1);
  });
});
