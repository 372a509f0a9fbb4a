/**
 * CSMART tokens by (endpoint, domain, e-mail), one cache per client: a client built by a function's
 * setup lives as long as the execution environment, so its token is kept across warm invocations.
 * The *promise* is cached, so concurrent callers share the login in flight; a failed login is dropped, not cached.
 */
export type TokenCache = {
  cached(key: string, login: () => Promise<string>): Promise<string>;
  /** Forgets a token CSMART refused — only if it is still the current one, so N refusals cause one login. */
  forget(key: string, refused: string): Promise<void>;
};

export function tokenKey(endpoint: string, domain: string, email: string): string {
  return `${endpoint}\n${domain}\n${email.toLowerCase()}`;
}

export function createTokenCache(): TokenCache {
  const tokens = new Map<string, Promise<string>>();
  return {
    cached(key, login) {
      let token = tokens.get(key);
      if (!token) {
        token = login();
        tokens.set(key, token);
        token.catch(() => {
          if (tokens.get(key) === token) tokens.delete(key);
        });
      }
      return token;
    },
    async forget(key, refused) {
      const current = tokens.get(key);
      if (!current) return;
      const value = await current.catch(() => undefined);
      if (value === refused && tokens.get(key) === current) tokens.delete(key);
    },
  };
}
