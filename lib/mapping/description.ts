import type { ConsentRecord } from './consents.ts';
import type { Lead } from './validate-lead.ts';

export type DescriptionContext = {
  form: string;
  submissionId: string;
  now: Date;
  /** List consents that were not ticked as "not given"; given ones are always listed. */
  recordConsentsNotGiven: boolean;
};

/**
 * The text a salesperson reads on the client, the opportunity and the task: the message first, then who
 * wrote, where from, the consents (RODO: what was agreed to, when, on which page) and any other fields.
 */
export function describeLead(lead: Lead, context: DescriptionContext): string {
  const f = lead.fields;
  const at = context.now.toISOString();
  const blocks: string[] = [];
  if (f.message) blocks.push(`Message:\n${f.message}`);

  const address = [f.address, [f.postal_code, f.city].filter(Boolean).join(' '), f.country].filter(Boolean).join(', ');
  const utm = lead.utm.map(([name, value]) => `${name}=${value}`).join(', ');
  blocks.push(lines([
    ['Person', lead.person],
    ['Company', f.company],
    ['E-mail', f.email],
    ['Phone', f.phone],
    ['NIP', f.nip],
    ['Address', address],
    ['Page', f.page_url],
    ['Referrer', f.referrer],
    ['UTM', utm],
  ]));

  const consents = lead.consents.filter((c) => c.given || context.recordConsentsNotGiven);
  if (consents.length > 0) blocks.push(`Consents:\n${consents.map((c) => `- ${consentLine(c, at, f.page_url)}`).join('\n')}`);
  // Left out of their fields by a tolerant read: kept as sent, so nothing the person typed is lost.
  if (lead.unusable.length > 0) blocks.push(`Not usable as sent (check by hand):\n${lead.unusable.map(([name, value]) => `- ${name}: ${value}`).join('\n')}`);
  if (lead.other.length > 0) blocks.push(`Other fields:\n${lead.other.map(([name, value]) => `- ${name}: ${value}`).join('\n')}`);
  blocks.push(`Form: ${context.form}; submission: ${context.submissionId}; received: ${at}`);
  return blocks.filter(Boolean).join('\n\n');
}

function lines(entries: Array<[string, string | undefined]>): string {
  return entries.filter(([, value]) => value).map(([label, value]) => `${label}: ${value}`).join('\n');
}

function consentLine(consent: ConsentRecord, at: string, page: string | undefined): string {
  if (!consent.given) return `${consent.name}: not given`;
  const parts = [`${consent.name}: given at ${at}${page ? ` on ${page}` : ''}`];
  if (consent.text) parts.push(`text: "${consent.text}"`);
  if (consent.version) parts.push(`version: ${consent.version}`);
  return parts.join('; ');
}
