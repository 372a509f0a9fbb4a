import { createHash } from 'node:crypto';
import type { Lead } from './validate-lead.ts';

// SQS FIFO ids: up to 128 characters of ASCII letters, digits and punctuation.
const SQS_ID = /^[\x21-\x7e]{1,128}$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Keeps one person's submissions in order (SQS MessageGroupId): the normalised e-mail, else the NIP, else the
 * phone. A key SQS would refuse (an e-mail with Unicode, over 128 characters) is hashed instead.
 */
export function leadGroupKey(lead: Lead, submissionId: string): string {
  const key = lead.fields.email ?? lead.fields.nip ?? lead.fields.phone ?? submissionId;
  return SQS_ID.test(key) ? key : `lead:${sha256(key).slice(0, 40)}`;
}

/**
 * Makes a double-click or a resent form one lead: a hash of the form, the normalised lead and the client's
 * idempotency key (`_submission_id`, `_idempotency_key` or the Idempotency-Key header). Without a client key
 * the CRM day is hashed in as well, so the same enquiry sent again on another day is a new lead, not a duplicate.
 * Control fields (`_ts`, captcha tokens) stay out: they change on every page load.
 */
export function leadDedupeKey(input: { form: string; lead: Lead; clientKey: string | undefined; day: string }): string {
  const { form, lead, clientKey, day } = input;
  const canonical = JSON.stringify({
    form,
    key: clientKey ?? null,
    day: clientKey === undefined ? day : null,
    fields: Object.entries(lead.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    consents: lead.consents.map((c) => [c.name, c.given]),
    utm: lead.utm,
    other: lead.other,
  });
  return `lead:${sha256(canonical)}`;
}
