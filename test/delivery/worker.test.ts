import { readFileSync } from 'node:fs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { CsmartUpstreamError, CsmartValidationError } from '../../lib/csmart/errors.ts';
import { encodeJob } from '../../lib/intake/job-codec.ts';
import type { DeliveryJob } from '../../lib/intake/job.ts';
import { deliveryReserveMs, HAND_BACK_SECONDS } from '../../lib/delivery/time-budget.ts';
import { processBatch, retryDelaySeconds, type WorkerDeps } from '../../lib/delivery/worker.ts';
import { DEFAULT_RETRY_POLICY } from '../../lib/csmart/retry-policy.ts';

const job = (id: string): DeliveryJob => ({ v: 1, id, source: 'test', kind: 'task', receivedAt: '2026-11-29T00:00:00Z', groupKey: id, dedupeKey: id, steps: [] });
const record = (id: string, group = id, attempt = 1): SQSRecord => ({
  messageId: `m-${id}`, receiptHandle: `r-${id}`, body: encodeJob(job(id)),
  attributes: { ApproximateReceiveCount: String(attempt), SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: group },
  messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:eu-central-1:1:q.fifo', awsRegion: 'eu-central-1',
});

/** Worker dependencies that record what the worker asked for; delivery outcomes are scripted per job id. */
function deps(outcomes: Record<string, Error | undefined> = {}, extra: Partial<WorkerDeps> = {}) {
  const calls = { delivered: [] as string[], parked: [] as string[], postponed: [] as [string, number][] };
  const d: WorkerDeps = {
    async deliver(j) {
      calls.delivered.push(j.id);
      const outcome = outcomes[j.id];
      if (outcome) throw outcome;
      return { duplicate: false, records: [] };
    },
    links: { markDelivered: async () => {}, putStatus: async () => {} },
    async deadLetter(r) { calls.parked.push(r.messageId); },
    async postpone(r, seconds) { calls.postponed.push([r.messageId, seconds]); },
    maxReceiveCount: 3,
    random: () => 0.5,
    ...extra,
  };
  return { d, calls };
}

describe('the worker', () => {
  it('fails a transient failure alone and postpones it with backoff', async () => {
    const { d, calls } = deps({ b: new CsmartUpstreamError('down') });
    const result = await processBatch([record('a'), record('b'), record('c')], d);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-b' }]);
    expect(calls.delivered).toEqual(['a', 'b', 'c']);
    expect(calls.postponed).toEqual([['m-b', 45]]);
  });

  it('holds back the later messages of a failed message\'s group, keeping its order', async () => {
    const { d, calls } = deps({ a: new CsmartUpstreamError('down') });
    const result = await processBatch([record('a', 'g'), record('b', 'g'), record('c', 'h')], d);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-a', 'm-b']);
    expect(calls.delivered).toEqual(['a', 'c']);
  });

  it('parks what CSMART refuses in the DLQ and lets it leave the queue', async () => {
    const { d, calls } = deps({ a: new CsmartValidationError('refused') });
    const result = await processBatch([record('a')], d);
    expect(result.batchItemFailures).toEqual([]);
    expect(calls.parked).toEqual(['m-a']);
  });

  it('hands messages back untried when the invocation is running out of time', async () => {
    let left = 10_000;
    const { d, calls } = deps({}, { remainingMs: () => left, reserveMs: 5_000 });
    const slow = { ...d, deliver: async (j: DeliveryJob, id: string, attempt: number) => { left -= 6_000; return d.deliver(j, id, attempt); } };
    const result = await processBatch([record('a'), record('b'), record('c')], slow);
    expect(calls.delivered).toEqual(['a']);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-b', 'm-c']);
  });

  it('hands what it has no time for back with a short visibility, not the whole visibility timeout (path 7)', async () => {
    let left = 10_000;
    const { d, calls } = deps({}, { remainingMs: () => left, reserveMs: 5_000 });
    const slow = { ...d, deliver: async (j: DeliveryJob, id: string, attempt: number) => { left -= 6_000; return d.deliver(j, id, attempt); } };
    await processBatch([record('a'), record('b'), record('c')], slow);
    expect(calls.postponed).toEqual([['m-b', HAND_BACK_SECONDS], ['m-c', HAND_BACK_SECONDS]]);
  });

  it('hands the held-back messages of a failed group back shortly too, so they do not burn the visibility timeout', async () => {
    const { d, calls } = deps({ a: new CsmartUpstreamError('down') });
    await processBatch([record('a', 'g'), record('b', 'g')], d);
    expect(calls.postponed).toEqual([['m-a', 45], ['m-b', HAND_BACK_SECONDS]]);
  });

  it('reserves, per job, the real worst case: each List with its retries and backoff, a re-login and the List again, and the Saves (path 7)', () => {
    const timeout = 8_000;
    const list = 3 * timeout + 100 + 200; // three attempts, each timing out, and the backoff ceilings between them
    const login = list;
    const lead = { steps: [{}, {}, {}] } as DeliveryJob; // client, opportunity, task
    const worst = 3 * list + login + list + 4 * timeout;
    expect(deliveryReserveMs(lead, timeout, DEFAULT_RETRY_POLICY)).toBe(worst);
    expect(worst).toBeGreaterThan(6 * timeout); // what was reserved before
  });

  it('the worker picks its reserve per job from the real worst case and can still start work within its deployed timeout', async () => {
    const { d, calls } = deps();
    const timeoutMs = Number(/\n  worker:\n(?:    .*\n)*?    timeout:\s*(\d+)/.exec(readFileSync('serverless.yml', 'utf8'))?.[1]) * 1000;
    const reserve = (job: DeliveryJob) => deliveryReserveMs(job, 8_000, DEFAULT_RETRY_POLICY);
    const lead: DeliveryJob = { ...job('lead'), steps: [
      { kind: 'account', fields: { name: 'Firma' }, match: {}, onMatch: 'keep' },
      { kind: 'record', module: 'Opportunities', fields: { name: 'Szansa' }, link: { source: 'test', externalId: 'o' } },
      { kind: 'record', module: 'Events', fields: { name: 'Zadanie' }, link: { source: 'test', externalId: 'e' } },
    ] };
    // A minute or more to start deliveries in, each of which normally takes well under a second.
    expect(reserve(lead)).toBeLessThan(timeoutMs - 60_000);
    // 6 CSMART timeouts (48 s) were reserved before; a lead's worst case is three times that.
    let left = 60_000;
    const result = await processBatch([{ ...record('lead'), body: encodeJob(lead) }], { ...d, remainingMs: () => left, reserveMs: reserve });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-lead' }]);
    expect(calls.delivered).toEqual([]);
    left = timeoutMs;
    expect((await processBatch([{ ...record('lead'), body: encodeJob(lead) }], { ...d, remainingMs: () => left, reserveMs: reserve })).batchItemFailures).toEqual([]);
  });

  it('backs off exponentially from 1 minute to at most 2 hours, with jitter', () => {
    expect(retryDelaySeconds(1, () => 0)).toBe(30);
    expect(retryDelaySeconds(1, () => 1)).toBe(60);
    expect(retryDelaySeconds(3, () => 1)).toBe(240);
    expect(retryDelaySeconds(12, () => 1)).toBe(7200);
  });

  it('reports a message held back on its last receive as parked', async () => {
    const { d } = deps({ a: new CsmartUpstreamError('down') });
    const events: string[] = [];
    const result = await processBatch([record('a', 'g', 3), record('b', 'g', 3)], { ...d, onEvent: (e) => events.push(`${e.type} ${'job' in e ? e.job?.id : ''}`) });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-a', 'm-b']);
    expect(events).toEqual(['dead-lettered a', 'dead-lettered b']);
  });

  it('keeps a refused message on the queue when the DLQ does not take it', async () => {
    const { d } = deps({ a: new CsmartValidationError('refused') }, { deadLetter: async () => { throw new Error('SQS down'); } });
    const result = await processBatch([record('a')], d);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-a' }]);
  });
});
