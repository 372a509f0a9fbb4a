import { describe, expect, it } from 'vitest';
import { classifyFailure, createRetryQuota, maxAttemptsFrom, retryDelayMs } from '../../lib/aws/retry-policy.ts';

describe('the lean client retry policy (the SDK standard mode)', () => {
  it.each([
    [{ name: 'ThrottlingException', status: 400 }, 'throttling'],
    [{ name: 'RequestThrottled', status: 403 }, 'throttling'],
    [{ name: 'Whatever', status: 429 }, 'throttling'],
    [{ name: 'InternalServerError', status: 500 }, 'transient'],
    [{ name: 'ServiceUnavailable', status: 503 }, 'transient'],
    [{ name: 'BadGateway', status: 502 }, 'transient'],
    [{ name: 'GatewayTimeout', status: 504 }, 'transient'],
    [{ name: 'TimeoutError' }, 'transient'],
    [{ name: 'Error', code: 'ECONNRESET' }, 'transient'],
    [{ name: 'Error', code: 'ECONNREFUSED' }, 'transient'],
    [{ name: 'Error', code: 'ENOTFOUND' }, 'transient'],
    [{ name: 'ValidationException', status: 400 }, 'final'],
    [{ name: 'QueueDoesNotExist', status: 400 }, 'final'],
    [{ name: 'AccessDeniedException', status: 400 }, 'final'],
    [{ name: 'NotImplemented', status: 501 }, 'final'],
    [{ name: 'InvalidChecksumError' }, 'final'],
  ] as const)('classifies %o as %s', (failure, kind) => {
    expect(classifyFailure(failure)).toBe(kind);
  });

  it('waits a full-jitter exponential backoff from 50 ms, and from 1 s after throttling, at most 20 s', () => {
    const top = () => 0.999999;
    expect(retryDelayMs('transient', 1, 3, top)).toBe(49);
    expect(retryDelayMs('transient', 2, 3, top)).toBe(99);
    expect(retryDelayMs('throttling', 1, 3, top)).toBe(999);
    expect(retryDelayMs('throttling', 2, 3, top)).toBe(1999);
    expect(retryDelayMs('throttling', 6, 10, top)).toBe(19_999);
    expect(retryDelayMs('transient', 1, 3, () => 0)).toBe(0);
    const jittered = new Set(Array.from({ length: 50 }, () => retryDelayMs('transient', 2, 3)));
    expect(jittered.size).toBeGreaterThan(10);
    for (const delay of jittered) expect(delay).toBeGreaterThanOrEqual(0);
  });

  it('stops after the last attempt and never retries a final failure', () => {
    expect(retryDelayMs('transient', 3, 3)).toBeUndefined();
    expect(retryDelayMs('throttling', 3, 3)).toBeUndefined();
    expect(retryDelayMs('final', 1, 3)).toBeUndefined();
    expect(retryDelayMs('transient', 1, 1)).toBeUndefined();
  });

  it('spends a retry quota (14 a retry, 5 after throttling) that successes refill, so a long outage stops retrying', () => {
    const quota = createRetryQuota();
    expect(quota.take('transient')).toBe(14);
    expect(quota.take('throttling')).toBe(5);
    expect(quota.left).toBe(481);
    quota.succeeded(14);
    quota.succeeded(undefined);
    expect(quota.left).toBe(496);
    while (quota.take('transient') !== undefined);
    expect(quota.left).toBeLessThan(14);
    expect(quota.take('transient')).toBeUndefined();
    for (let i = 0; i < 1000; i++) quota.succeeded(undefined);
    expect(quota.left).toBe(500);
  });

  it('reads AWS_MAX_ATTEMPTS as the SDK does: 3 when unset, a whole number ≥ 1, else not ours to judge', () => {
    expect(maxAttemptsFrom(undefined)).toBe(3);
    expect(maxAttemptsFrom('1')).toBe(1);
    expect(maxAttemptsFrom('5')).toBe(5);
    expect(maxAttemptsFrom('many')).toBeUndefined();
    expect(maxAttemptsFrom('0')).toBeUndefined();
  });
});
