/*
 * Group keys: deliveries about the same client or entity share one, so the queue applies them in
 * order. The queue hashes them (with the source) into the SQS group id, so they may hold an e-mail.
 */

/** A person by e-mail, case-insensitive. */
export function emailIdentity(email: string): string {
  return `email:${email.trim().toLowerCase()}`;
}

/**
 * A client the way the worker finds one, NIP first, then e-mail: two submissions for the same
 * client wait for each other instead of both creating it.
 */
export function accountIdentity(nip: string | undefined, email: string | undefined): string | undefined {
  if (nip) return `nip:${nip}`;
  return email ? emailIdentity(email) : undefined;
}
