import { randomUUID } from 'node:crypto';
import type { DeliveryJob, WorkPlan } from './job.ts';

/** Stamps a mapped plan into the job that is stored on the queue; the id is the one the sender gets back. */
export function toJob(plan: WorkPlan, source: string, dedupeFallback: string, now: Date, id: string = randomUUID()): DeliveryJob {
  return { ...plan, v: 1, id, source, dedupeKey: plan.dedupeKey ?? dedupeFallback, receivedAt: now.toISOString() };
}
