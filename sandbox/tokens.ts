import { randomBytes } from 'node:crypto';

type Issued = { domain: string; issuedAt: number };

/**
 * Login tokens. The lifetime is checked when a token is used, so changing it (or expiring everything)
 * applies to tokens already handed out — which is what a test of re-login needs.
 */
export class TokenRegistry {
  ttlSeconds: number;
  private readonly issued = new Map<string, Issued>();
  private readonly now: () => number;

  constructor(ttlSeconds: number, now: () => number = Date.now) {
    this.ttlSeconds = ttlSeconds;
    this.now = now;
  }

  issue(domain: string): string {
    const token = randomBytes(16).toString('hex');
    this.issued.set(token, { domain, issuedAt: this.now() });
    return token;
  }

  /** Whether the token is live and was issued for this domain. */
  isValid(token: string, domain: string): boolean {
    const entry = this.issued.get(token);
    if (!entry) return false;
    if (this.now() >= entry.issuedAt + this.ttlSeconds * 1000) {
      this.issued.delete(token);
      return false;
    }
    return entry.domain === domain;
  }

  expireAll(): void {
    this.issued.clear();
  }
}
