import { CsmartError, CsmartNetworkError } from './errors.ts';
import type { Action } from './modules.ts';

/** How often and how patiently a call is repeated. Data, so it can be tested and tuned without code. */
export type RetryPolicy = {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Reads only the vendor's data; they are safe to repeat after any transient failure. */
const IDEMPOTENT_ACTIONS: ReadonlySet<Action> = new Set(['Login', 'List']);

/**
 * Whether a failed call may be sent again. A Save is repeated only when it provably never reached
 * CSMART (connection refused): after a timeout or a cut connection it may have been stored, and
 * sending it again could create a duplicate record.
 */
export function isRetryable(error: unknown, action: Action): boolean {
  if (!(error instanceof CsmartError) || !error.transient || error.code === 'auth') return false;
  if (IDEMPOTENT_ACTIONS.has(action)) return true;
  return error instanceof CsmartNetworkError && error.neverSent;
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^retry)). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
