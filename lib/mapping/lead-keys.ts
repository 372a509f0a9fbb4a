import { createHash } from 'node:crypto';
import type { Lead } from './validate-lead.ts';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Keeps the submissions for one client in order (the queue's message group; lib/delivery hashes it):
 * the NIP, else the e-mail, else the phone — the order in which the worker matches clients, so two
 * leads that would match the same client are never delivered side by side.
 */
export function leadGroupKey(lead: Lead, submissionId: string): string {
  return lead.fields.nip ?? lead.fields.email ?? lead.fields.phone ?? submissionId;
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
