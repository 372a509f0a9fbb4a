/**
 * When a failed AWS call is tried again: the SDK's standard retry mode (@smithy/core/retry, its 2026
 * constants), kept small and pure so it can be tested without a clock or a network.
 */

/** How the SDK classifies a failure: only throttling and transient ones are retried. */
export type FailureKind = 'throttling' | 'transient' | 'final';

/** What a failure shows: the service's error code (or a Node error's name), a Node error code, the HTTP status. */
export type FailureFacts = { name?: string | undefined; code?: string | undefined; status?: number | undefined };

/** The SDK's default attempts per call (first try included); `AWS_MAX_ATTEMPTS` changes it, as for the SDK. */
export const DEFAULT_MAX_ATTEMPTS = 3;

const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 20_000;

const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Throttling (429 or a throttling code), transient (500/502/503/504, a timeout, a network error), or final. */
export function classifyFailure(failure: FailureFacts): FailureKind {
  if (failure.status === 429 || THROTTLING_CODES.has(failure.name ?? '')) return 'throttling';
  if (TRANSIENT_CODES.has(failure.name ?? '') || NETWORK_CODES.has(failure.code ?? '') || TRANSIENT_STATUSES.has(failure.status ?? 0)) return 'transient';
  return 'final';
}

/**
 * The wait before the next attempt after attempt `attempt` (1-based) failed, or `undefined` to give up:
 * full jitter over an exponential base (50 ms, 1 s after throttling), at most 20 s.
 */
export function retryDelayMs(kind: FailureKind, attempt: number, maxAttempts: number, random: () => number = Math.random): number | undefined {
  if (kind === 'final' || attempt >= maxAttempts) return undefined;
  const base = kind === 'throttling' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(random() * Math.min(base * 2 ** (attempt - 1), MAX_DELAY_MS));
}

const QUOTA = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;

/**
 * The SDK's retry quota: each retry spends tokens, each success gives some back, so a long outage
 * stops retrying instead of tripling the load on a service that is already failing.
 */
export type RetryQuota = {
  /** Spends a retry's cost; `undefined` (no retry) when the quota is spent. */
  take(kind: FailureKind): number | undefined;
  /** A call succeeded: gives back what its retry cost, or 1 when it needed none. */
  succeeded(cost: number | undefined): void;
  readonly left: number;
};

export function createRetryQuota(): RetryQuota {
  let left = QUOTA;
  return {
    take(kind) {
      const cost = kind === 'throttling' ? THROTTLING_RETRY_COST : RETRY_COST;
      if (left < cost) return undefined;
      left -= cost;
      return cost;
    },
    succeeded(cost) {
      left = Math.min(QUOTA, left + (cost ?? 1));
    },
    get left() {
      return left;
    },
  };
}

/** `AWS_MAX_ATTEMPTS` as the SDK reads it: a whole number ≥ 1, else `undefined` (the SDK's own answer then). */
export function maxAttemptsFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return DEFAULT_MAX_ATTEMPTS;
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) && parsed >= 1 ? parsed : undefined;
}
