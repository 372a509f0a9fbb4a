import { createHash, randomBytes } from 'node:crypto';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/**
 * SQS FIFO MessageGroupId: one outside entity's messages stay in order. Hashed, so no e-mail address
 * or other personal data ends up in queue metadata (which CloudTrail and consoles show).
 */
export function messageGroupId(source: string, groupKey: string): string {
  return sha256(`${source}\n${groupKey}`).slice(0, 64);
}

/** SQS FIFO MessageDeduplicationId: the same source and dedupe key within five minutes is dropped by SQS. */
export function messageDeduplicationId(source: string, dedupeKey: string): string {
  return sha256(`${source}\n${dedupeKey}`).slice(0, 64);
}

/** When a sender gives no event id, its exact bytes identify a delivery. */
export function bodyDedupeKey(raw: Buffer): string {
  return `sha256:${sha256(raw)}`;
}

/**
 * A short mark written into a record we create, so an attempt that crashed between creating and linking
 * finds it again. Random per claim and kept in the link item: a hash of the link key could be computed
 * by anyone and planted in a lead's message (which is copied into descriptions) to capture a record.
 */
export function newLinkMarker(): string {
  return randomBytes(8).toString('hex');
}
