import { createHash } from 'node:crypto';

/** A CSMART login the sandbox accepts; the wire carries the SHA-1 hex of the password, never the password. */
export type SandboxUser = { domain: string; email: string; password: string };

export const DEMO_USER: SandboxUser = Object.freeze({ domain: 'demo', email: 'demo@csmart.local', password: 'demo-password' });

// Not lib/config's sha1Hex: the emulator checks the client's hash, so it must not borrow the client's code.
export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** Domains and e-mails compare without case or surrounding spaces, as logins usually do. */
export function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase();
}

/** Finds the user a Login names; the answer never says whether the e-mail or the hash was wrong. */
export class UserDirectory {
  private readonly byLogin = new Map<string, { domain: string; hash: string }>();

  constructor(users: readonly SandboxUser[]) {
    for (const user of users) {
      const domain = normaliseDomain(user.domain);
      this.byLogin.set(`${domain}\n${user.email.trim().toLowerCase()}`, { domain, hash: sha1Hex(user.password) });
    }
  }

  /** The user's domain when the login is right, otherwise undefined. */
  authenticate(domain: string, email: string, hash: string): string | undefined {
    const user = this.byLogin.get(`${normaliseDomain(domain)}\n${email.trim().toLowerCase()}`);
    return user && user.hash === hash.trim().toLowerCase() ? user.domain : undefined;
  }

  /** Every domain with at least one user, in the order given. */
  domains(): string[] {
    return [...new Set([...this.byLogin.values()].map((user) => user.domain))];
  }
}
