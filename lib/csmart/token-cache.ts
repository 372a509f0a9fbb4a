/**
 * CSMART tokens by (endpoint, domain, e-mail), one cache per client: a client built by a function's
 * setup lives as long as the execution environment, so its token is kept across warm invocations.
 * The *promise* is cached, so concurrent callers share the login in flight; a failed login is dropped, not cached.
 */
export type TokenCache = {
  /**
   * The token for `key`, logging in when there is none. `fresh` says it came from a login still in flight
   * when asked (this caller's or one it joined), not from the cache: a refusal of it cannot mean it had expired.
   */
  cached(key: string, login: () => Promise<string>): Promise<{ token: string; fresh: boolean }>;
  /** Forgets a token CSMART refused — only if it is still the current one, so N refusals cause one login. */
  forget(key: string, refused: string): Promise<void>;
};

type Entry = { token: Promise<string>; settled: boolean };

export function tokenKey(endpoint: string, domain: string, email: string): string {
  return `${endpoint}\n${domain}\n${email.toLowerCase()}`;
}

export function createTokenCache(): TokenCache {
  const tokens = new Map<string, Entry>();
  return {
    async cached(key, login) {
      let entry = tokens.get(key);
      if (!entry) {
        const created: Entry = { token: login(), settled: false };
        tokens.set(key, created);
        created.token.then(() => {
          created.settled = true;
        }, () => {
          if (tokens.get(key) === created) tokens.delete(key);
        });
        entry = created;
      }
      const fresh = !entry.settled;
      return { token: await entry.token, fresh };
    },
    async forget(key, refused) {
      const current = tokens.get(key);
      if (!current) return;
      const value = await current.token.catch(() => undefined);
      if (value === refused && tokens.get(key) === current) tokens.delete(key);
    },
  };
}
