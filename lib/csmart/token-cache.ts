/**
 * One CSMART token per (endpoint, domain, e-mail) per process. The *promise* is cached, so concurrent
 * callers share the login in flight; a failed login is dropped, not cached. Module scope keeps the
 * token across warm Lambda invocations.
 */
const tokens = new Map<string, Promise<string>>();

export function tokenKey(endpoint: string, domain: string, email: string): string {
  return `${endpoint}\n${domain}\n${email.toLowerCase()}`;
}

export function cachedToken(key: string, login: () => Promise<string>): Promise<string> {
  let token = tokens.get(key);
  if (!token) {
    token = login();
    tokens.set(key, token);
    token.catch(() => {
      if (tokens.get(key) === token) tokens.delete(key);
    });
  }
  return token;
}

/** Forgets a token CSMART refused — only if it is still the current one, so N refusals cause one login. */
export async function forgetToken(key: string, refused: string): Promise<void> {
  const current = tokens.get(key);
  if (!current) return;
  const value = await current.catch(() => undefined);
  if (value === refused && tokens.get(key) === current) tokens.delete(key);
}

/** For tests: start as a fresh process would. */
export function clearTokenCache(): void {
  tokens.clear();
}
