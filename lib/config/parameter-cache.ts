import type { SsmApi } from '../aws/ssm-api.ts';
import { ParameterStoreUnavailableError } from './errors.ts';

export type ParameterCacheOptions = {
  ssm: Pick<SsmApi, 'getParameters'>;
  /** How long a fetched value (or a parameter found missing) is served before it is fetched again. */
  ttlMs: number;
  now?: () => number;
  /**
   * After a failed refresh, stale values are served this long before the next attempt, so an SSM
   * outage does not add the SDK's retries to every invocation. Default: the TTL, at most 10 s.
   */
  failureBackoffMs?: number;
  /** Told about every failed fetch (e.g. to log a warning); must not throw, and is guarded if it does. */
  onError?: (error: unknown, names: readonly string[]) => void;
};

export type ParameterCacheStats = { calls: number; failures: number };

export type ParameterCache = {
  /** Values of the given names; names that do not exist in SSM are left out of the map. */
  get(names: readonly string[]): Promise<Map<string, string>>;
  /** Forgets every value (tests, or a forced refresh). */
  clear(): void;
  /** GetParameters calls made, and how many of them failed. */
  readonly stats: ParameterCacheStats;
  /** Names held, values and absences. */
  readonly size: number;
};

/** `undefined` value: SSM answered that the parameter does not exist (`InvalidParameters`). */
type Entry = { value: string | undefined; expiresAt: number };

/** A batch's outcome. Never a rejection: a rejected promise nobody awaits would crash the Lambda. */
type Outcome = { error?: unknown };

// GetParameters accepts at most 10 names per call.
const BATCH_SIZE = 10;

/** Entries kept before expired ones are dropped. */
const MAX_ENTRIES = 500;

/**
 * SSM values cached with an explicit TTL. Every name that is not fresh is fetched in one batched,
 * decrypted `GetParameters` call shared by concurrent callers. A failed refresh keeps the last good
 * values; only a name with no value at all makes `get` reject, with a `ParameterStoreUnavailableError`.
 */
export function createParameterCache(options: ParameterCacheOptions): ParameterCache {
  const { ssm, ttlMs, now = Date.now, onError } = options;
  const failureBackoffMs = options.failureBackoffMs ?? Math.min(ttlMs, 10_000);
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Outcome>>();
  const stats: ParameterCacheStats = { calls: 0, failures: 0 };

  async function fetchBatch(names: string[]): Promise<Outcome> {
    stats.calls += 1;
    try {
      const answer = await ssm.getParameters({ Names: names, WithDecryption: true });
      const expiresAt = now() + ttlMs;
      const found = new Map<string, string>();
      for (const parameter of answer.Parameters ?? []) {
        if (parameter.Name !== undefined && parameter.Value !== undefined) found.set(parameter.Name, parameter.Value);
      }
      // Anything not returned is absent, whether or not SSM listed it in InvalidParameters.
      if (entries.size + names.length > MAX_ENTRIES) forgetExpired();
      for (const name of names) entries.set(name, { value: found.get(name), expiresAt });
      return {};
    } catch (thrown) {
      const error = withoutResponse(thrown);
      stats.failures += 1;
      const retryAt = now() + failureBackoffMs;
      for (const name of names) {
        const stale = entries.get(name);
        if (stale) stale.expiresAt = retryAt;
      }
      try {
        onError?.(error, names);
      } catch {
        // A failing error reporter must not turn a served stale value into a failure.
      }
      return { error };
    }
  }

  // Requests name forms and webhook sources: made-up names must not pile up. Expired absent names go;
  // real values stay (they are served stale when SSM is down), fresh ones may be about to be read.
  function forgetExpired(): void {
    const at = now();
    for (const [name, entry] of entries) {
      if (entry.value === undefined && entry.expiresAt <= at && !inFlight.has(name)) entries.delete(name);
    }
  }

  function startFetch(names: string[]): Promise<Outcome> {
    const pending = fetchBatch(names);
    for (const name of names) inFlight.set(name, pending);
    void pending.then(() => {
      for (const name of names) if (inFlight.get(name) === pending) inFlight.delete(name);
    });
    return pending;
  }

  async function get(names: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(names)];
    const at = now();
    const waits: Promise<Outcome>[] = [];
    const toFetch: string[] = [];
    for (const name of wanted) {
      const entry = entries.get(name);
      if (entry && entry.expiresAt > at) continue;
      const pending = inFlight.get(name);
      if (pending) {
        if (!waits.includes(pending)) waits.push(pending);
      } else {
        toFetch.push(name);
      }
    }
    for (let i = 0; i < toFetch.length; i += BATCH_SIZE) waits.push(startFetch(toFetch.slice(i, i + BATCH_SIZE)));

    const outcomes = await Promise.all(waits);
    const values = new Map<string, string>();
    const unavailable: string[] = [];
    for (const name of wanted) {
      const entry = entries.get(name);
      if (!entry) unavailable.push(name);
      else if (entry.value !== undefined) values.set(name, entry.value);
    }
    if (unavailable.length > 0) {
      const cause = outcomes.find((outcome) => 'error' in outcome)?.error;
      throw new ParameterStoreUnavailableError(unavailable, cause);
    }
    return values;
  }

  return {
    get,
    clear() {
      entries.clear();
      inFlight.clear();
    },
    stats,
    get size() {
      return entries.size;
    },
  };
}

/**
 * The SDK's error without its raw `$response`: a reply that failed to parse could carry decrypted
 * values in its body, and this error ends up as a `cause` that may be logged.
 */
function withoutResponse(error: unknown): unknown {
  if (!(error instanceof Error) || !('$response' in error)) return error;
  const copy = new Error(error.message);
  copy.name = error.name;
  if ('$metadata' in error) Object.assign(copy, { $metadata: error.$metadata });
  return copy;
}
