import type { SsmApi } from '../aws/ssm-api.ts';

export type ParameterNamesOptions = {
  ssm: Pick<SsmApi, 'getParametersByPath'>;
  /** The SSM path listed, without a trailing `/` (`/csmart/prod/forms`); only names directly under it are kept. */
  path: string;
  /** How long a listing is served before the next one. */
  ttlMs: number;
  now?: () => number;
  /** After a failed listing, the last good one (or none) is used this long before the next attempt. Default: the TTL, at most 10 s. */
  failureBackoffMs?: number;
};

export type ParameterNames = {
  /**
   * The parameters directly under the path (full name → decrypted value), from one listing per TTL shared
   * by concurrent callers; `undefined` while no listing has ever succeeded, so the caller falls back to
   * asking for the one name it needs.
   */
  get(): Promise<ReadonlyMap<string, string> | undefined>;
  clear(): void;
  /** Listings started (a listing is one call per page of 10 names), and how many failed. */
  readonly stats: { listings: number; calls: number; failures: number };
};

/**
 * Which forms and webhook sources exist, and their values, from one `GetParametersByPath` listing per
 * cache period: a request naming anything else is answered without an SSM call, so guessing names cannot
 * spend the account's SSM request quota (40/s, shared with cold starts). IAM must allow the path itself
 * and `path/*`.
 */
export function createParameterNames(options: ParameterNamesOptions): ParameterNames {
  const { ssm, path, ttlMs, now = Date.now } = options;
  const failureBackoffMs = options.failureBackoffMs ?? Math.min(ttlMs, 10_000);
  const stats = { listings: 0, calls: 0, failures: 0 };
  let values: ReadonlyMap<string, string> | undefined;
  let freshUntil = 0;
  let pending: Promise<void> | undefined;

  async function list(): Promise<void> {
    stats.listings += 1;
    try {
      const found = new Map<string, string>();
      let nextToken: string | undefined;
      do {
        stats.calls += 1;
        const page = await ssm.getParametersByPath({ Path: path, Recursive: false, WithDecryption: true, MaxResults: 10, NextToken: nextToken });
        for (const parameter of page.Parameters ?? []) if (parameter.Name && parameter.Value !== undefined) found.set(parameter.Name, parameter.Value);
        nextToken = page.NextToken;
      } while (nextToken);
      values = found;
      freshUntil = now() + ttlMs;
    } catch {
      // The last good listing (or the per-name fallback) serves until the next attempt.
      stats.failures += 1;
      freshUntil = now() + failureBackoffMs;
    }
  }

  return {
    async get() {
      if (now() >= freshUntil) {
        pending ??= list().finally(() => {
          pending = undefined;
        });
        await pending;
      }
      return values;
    },
    clear() {
      values = undefined;
      freshUntil = 0;
      pending = undefined;
    },
    stats,
  };
}
