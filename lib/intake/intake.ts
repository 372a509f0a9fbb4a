import { IntakeQueueUnavailableError } from './errors.ts';
import type { DeliveryJob, WorkPlan } from './job.ts';
import { RefusalError } from '../errors/refusal.ts';
import type { JobQueue } from './job-queue.ts';
import { toJob } from './to-job.ts';

/** Where a submission came in: a lead form, or a webhook source. */
export type IntakeOrigin = { form: string } | { source: string };

/** What intake tells its host, for logs and metrics: ids, names and codes only, never personal data. */
export type IntakeEvent =
  | { type: 'accepted'; origin: IntakeOrigin; job: DeliveryJob }
  | { type: 'not-stored'; origin: IntakeOrigin; id: string; reason: string }
  | { type: 'spam'; origin: IntakeOrigin; reason: string }
  | { type: 'ignored'; origin: IntakeOrigin; reason: string }
  | { type: 'ping'; origin: IntakeOrigin }
  | { type: 'subscription-confirmed'; origin: IntakeOrigin }
  | { type: 'source-not-configured'; origin: IntakeOrigin }
  | { type: 'turnstile'; origin: IntakeOrigin; outcome: 'refused' | 'unavailable'; codes: string[] };

export type Intake = {
  /**
   * Makes the job of a mapped plan and stores it on the queue, before anything is acknowledged. A queue
   * that does not take it is an `unavailable` refusal (503, retry): nothing was accepted, so the sender retries.
   */
  store(input: StoreInput): Promise<DeliveryJob>;
  /** Tells the host what happened to a submission that is answered without storing anything. */
  report(event: IntakeEvent): void;
};

export type StoreInput = {
  plan: WorkPlan;
  origin: IntakeOrigin;
  /** The queue's message group prefix and the job's `source`: `leads`, or the webhook source. */
  source: string;
  /** Deduplicates when the plan has no key of its own: a hash of the raw body. */
  dedupeFallback: string;
  now: Date;
  /** The id the sender gets back; a new one when absent. */
  id?: string;
  invokedFunctionArn: string | undefined;
  /** The text of the 503, in the sender's terms. */
  unavailableMessage: string;
};

/** The one intake core of leads and webhooks: make the job, store it, answer a queue failure with 503, count and log. */
export function createIntake(deps: { queue: JobQueue; report: (event: IntakeEvent) => void }): Intake {
  return {
    report: deps.report,
    async store(input) {
      const job = toJob(input.plan, input.source, input.dedupeFallback, input.now, input.id);
      try {
        await deps.queue.send(job, input.invokedFunctionArn);
      } catch (error) {
        if (!(error instanceof IntakeQueueUnavailableError)) throw error;
        deps.report({ type: 'not-stored', origin: input.origin, id: job.id, reason: error.message });
        throw new RefusalError('unavailable', 'unavailable', input.unavailableMessage, { retryAfterSeconds: 30, cause: error });
      }
      deps.report({ type: 'accepted', origin: input.origin, job });
      return job;
    },
  };
}
