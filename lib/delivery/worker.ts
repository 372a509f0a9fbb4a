import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { CsmartError } from '../csmart/errors.ts';
import type { DeliveryOutcome } from './deliver.ts';
import { IntakeJobUnreadableError } from '../intake/errors.ts';
import { DeliveryRecordDeletedError } from './errors.ts';
import { parseJob } from '../intake/job-codec.ts';
import type { DeliveryJob } from '../intake/job.ts';
import { messageDeduplicationId } from '../intake/keys.ts';
import { HAND_BACK_SECONDS } from './time-budget.ts';
import type { LinkStore, SubmissionStatus } from './link-store.ts';

/** What the worker reports, for logs and metrics. Carries ids and codes, never personal data. */
export type WorkerEvent =
  | { type: 'delivered'; job: DeliveryJob; outcome: DeliveryOutcome }
  | { type: 'duplicate'; job: DeliveryJob }
  | { type: 'retrying'; job: DeliveryJob | undefined; messageId: string; attempt: number; delaySeconds: number; code: string; message: string }
  | { type: 'dead-lettered'; job: DeliveryJob | undefined; messageId: string; attempt: number; code: string; message: string; by: 'worker' | 'queue' }
  | { type: 'held'; job: DeliveryJob; messageId: string };

export type WorkerDeps = {
  /** `attempt` is SQS's receive count: from the second on, an earlier attempt may have stored records already. */
  deliver(job: DeliveryJob, dedupeId: string, attempt: number): Promise<DeliveryOutcome>;
  links: Pick<LinkStore, 'markDelivered' | 'putStatus'>;
  /** Parks a message that can never succeed in the DLQ, with the reason. */
  deadLetter(record: SQSRecord, reason: { code: string; message: string }): Promise<void>;
  /** Hides a failed message for a while: the queue's own retry, with backoff. */
  postpone(record: SQSRecord, seconds: number): Promise<void>;
  /** The queue's redrive `maxReceiveCount`: the attempt after which SQS moves a message to the DLQ. */
  maxReceiveCount: number;
  /** The first retry's delay before jitter, in seconds; it doubles with each attempt (default 60). */
  retryBaseSeconds?: number;
  onEvent?(event: WorkerEvent): void;
  /** Time left in this invocation; messages not started while enough is left are handed back unharmed. */
  remainingMs?(): number;
  /** What one delivery may take at most (the CSMART calls with their retries): a figure, or one per job. */
  reserveMs?: number | ((job: DeliveryJob) => number);
  now?(): Date;
  random?(): number;
};

/**
 * Seconds a failed message stays hidden before its next attempt: from 1 minute doubling to 2 hours,
 * with jitter (half to all of it). With the queue's 10 receives that outlasts a CSMART outage of 3 to 6 hours.
 */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random, baseSeconds = 60): number {
  const ceiling = Math.min(7200, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Failures that repeating cannot fix: CSMART refused the data, or the message is unreadable. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof IntakeJobUnreadableError || error instanceof DeliveryRecordDeletedError) return true;
  // Errors that say so themselves (a fetched lead that can never become a client).
  if ((error as { transient?: unknown } | undefined)?.transient === false) return true;
  return error instanceof CsmartError && error.code === 'validation';
}

/**
 * Delivers one SQS batch. Each message succeeds or fails alone (partial batch response); within a
 * message group a failure also holds back the later messages of that group, so one entity's work
 * stays in order (as FIFO requires). Permanent failures go straight to the DLQ with their reason.
 */
export async function processBatch(records: SQSRecord[], deps: WorkerDeps): Promise<SQSBatchResponse> {
  const emit = deps.onEvent ?? (() => {});
  const now = deps.now ?? (() => new Date());
  const failed: SQSBatchResponse['batchItemFailures'] = [];
  const blockedGroups = new Set<string>();

  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? '';
    const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1') || 1;
    let job: DeliveryJob | undefined;
    try {
      job = parseJob(record.body);
      // Starting a delivery the invocation cannot finish would let Lambda kill it mid-way: hand it back instead.
      if (blockedGroups.has(group) || (deps.remainingMs && deps.remainingMs() < reserveFor(job, deps.reserveMs))) {
        failed.push({ itemIdentifier: record.messageId });
        // Visible again shortly: left as it is, it would hide (and hold its group) for the whole visibility timeout.
        await deps.postpone(record, HAND_BACK_SECONDS).catch(() => undefined);
        if (attempt >= deps.maxReceiveCount) {
          // Held back on its last receive: SQS parks it now, untried. Say so, as for any parked message.
          await deps.links.putStatus(statusOf(job, 'dead-lettered', attempt, now(), { reason: 'held: an earlier message of the same entity kept failing' })).catch(() => undefined);
          emit({ type: 'dead-lettered', job, messageId: record.messageId, attempt, code: 'held', message: 'an earlier message of the same entity kept failing', by: 'queue' });
        } else {
          emit({ type: 'held', job, messageId: record.messageId });
        }
        continue;
      }
      const dedupeId = messageDeduplicationId(job.source, job.dedupeKey);
      const outcome = await deps.deliver(job, dedupeId, attempt);
      if (outcome.duplicate) {
        // The work was done under an earlier submission of the same delivery: this one is settled too.
        await deps.links.putStatus(statusOf(job, 'delivered', attempt, now(), { records: [], reason: 'duplicate of an earlier delivery; nothing was written again' }));
        emit({ type: 'duplicate', job });
        continue;
      }
      await deps.links.markDelivered(dedupeId, statusOf(job, 'delivered', attempt, now(), { records: outcome.records }));
      emit({ type: 'delivered', job, outcome });
    } catch (error) {
      const reason = describe(error);
      if (isPermanent(error) && (await deps.deadLetter(record, reason).then(() => true, () => false))) {
        if (job) await deps.links.putStatus(statusOf(job, 'dead-lettered', attempt, now(), { reason: `${reason.code}: ${reason.message}` })).catch(() => undefined);
        emit({ type: 'dead-lettered', job, messageId: record.messageId, attempt, ...reason, by: 'worker' });
        continue;
      }
      // Transient, or permanent but the DLQ did not take it: the queue keeps it and tries again.
      failed.push({ itemIdentifier: record.messageId });
      blockedGroups.add(group);
      const last = attempt >= deps.maxReceiveCount;
      if (job) {
        await deps.links.putStatus(statusOf(job, last ? 'dead-lettered' : 'retrying', attempt, now(), { reason: `${reason.code}: ${reason.message}` }))
          .catch(() => undefined);
      }
      if (last) {
        emit({ type: 'dead-lettered', job, messageId: record.messageId, attempt, ...reason, by: 'queue' });
      } else {
        const delaySeconds = retryDelaySeconds(attempt, deps.random, deps.retryBaseSeconds);
        await deps.postpone(record, delaySeconds).catch(() => undefined);
        emit({ type: 'retrying', job, messageId: record.messageId, attempt, delaySeconds, ...reason });
      }
    }
  }
  return { batchItemFailures: failed };
}

function reserveFor(job: DeliveryJob, reserve: WorkerDeps['reserveMs']): number {
  return typeof reserve === 'function' ? reserve(job) : reserve ?? 0;
}

function statusOf(job: DeliveryJob, state: SubmissionStatus['state'], attempts: number, at: Date, extra: Partial<SubmissionStatus>): SubmissionStatus {
  return { id: job.id, state, source: job.source, kind: job.kind, attempts, updatedAt: at.toISOString(), ...extra };
}

/** Code and message of a failure; CSMART errors are already free of secrets, others are reduced to their class. */
function describe(error: unknown): { code: string; message: string } {
  if (error instanceof CsmartError || error instanceof IntakeJobUnreadableError || error instanceof DeliveryRecordDeletedError) return { code: error.code, message: error.message };
  // Our own outside-call errors (Graph API) carry messages written without secrets.
  if (typeof (error as { transient?: unknown } | undefined)?.transient === 'boolean' && typeof (error as { code?: unknown }).code === 'string') {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  const code = (error as { code?: unknown })?.code;
  return { code: typeof code === 'string' ? code : 'internal', message: (error as Error)?.name ?? 'Error' };
}
