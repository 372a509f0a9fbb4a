import type { RetryPolicy } from '../csmart/retry-policy.ts';
import type { DeliveryJob } from '../intake/job.ts';

/**
 * Seconds a message the worker hands back untried stays hidden: short, so its FIFO group is not held
 * for the queue's whole visibility timeout, yet long enough for this invocation to end first.
 */
export const HAND_BACK_SECONDS = 5;

/** The longest one CSMART call can take with the client's retries: every attempt timing out, every backoff at its ceiling. */
export function callWorstMs(timeoutMs: number, policy: RetryPolicy): number {
  let backoff = 0;
  for (let retry = 0; retry < policy.attempts - 1; retry++) backoff += Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return policy.attempts * timeoutMs + backoff;
}

/**
 * The longest a delivery of `job` can take, so that the worker starts it only while that much time is
 * left. Each step may read one List (the client lookup, the marker search, the deleted-record check),
 * with its retries and backoff; one of them may meet an expired token — a login with its retries,
 * then the List again; each step makes a Save (never repeated after a timeout), and one more may
 * follow (a task saved again without its NIP, a deleted task created again).
 */
export function deliveryReserveMs(job: Pick<DeliveryJob, 'steps'>, timeoutMs: number, policy: RetryPolicy): number {
  const steps = Math.max(1, job.steps.length);
  const call = callWorstMs(timeoutMs, policy);
  const lists = steps * call;
  const relogin = call + call;
  const saves = (steps + 1) * timeoutMs;
  return lists + relogin + saves;
}
