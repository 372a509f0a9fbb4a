// The requests the banner offers to copy: a JSON lead, and a Standard Webhooks lead.created signed with the demo secret.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The demo source's Standard Webhooks secret in config/local/secrets.json: a public demo value for local use only. */
export const DEMO_WEBHOOK_SOURCE = 'demo';

export const SAMPLE_LEAD = {
  company: 'Przykładowa Firma Sp. z o.o.',
  first_name: 'Anna',
  last_name: 'Nowak',
  email: 'anna.nowak@example.com',
  phone: '+48 600 100 200',
  message: 'Proszę o kontakt w sprawie oferty.',
};

/** `curl` posting the sample lead as JSON, as a site's `fetch` would. */
export function leadCurl(leadsUrl: string): string {
  return ['curl', '-i', leadsUrl, '-H', 'content-type: application/json', '-d', JSON.stringify(SAMPLE_LEAD)].map(shellQuote).join(' ');
}

/** `curl` posting a lead.created to the demo source, signed for `now` (a fresh message id unless given). */
export function signedWebhookCurl(input: { webhooksUrl: string; secret: string; now: Date; id?: string | undefined }): string {
  const { now } = input;
  const timestamp = Math.floor(now.getTime() / 1000);
  const id = input.id ?? `msg_${randomUUID().replaceAll('-', '')}`;
  const body = JSON.stringify({ type: 'lead.created', timestamp: now.toISOString(), data: { ...SAMPLE_LEAD, email: 'jan.kowalski@example.com', first_name: 'Jan', last_name: 'Kowalski' } });
  return [
    'curl', '-i', `${input.webhooksUrl}/${DEMO_WEBHOOK_SOURCE}`, '-H', 'content-type: application/json',
    '-H', `webhook-id: ${id}`, '-H', `webhook-timestamp: ${timestamp}`, '-H', `webhook-signature: ${signStandardWebhook(input.secret, id, timestamp, body)}`,
    '-d', body,
  ].map(shellQuote).join(' ');
}

/** `v1,<base64>`: HMAC-SHA256 with the base64-decoded secret after `whsec_`, over `id.timestamp.body`. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

/** The demo source's secret from the secrets file, if there is one (without it the banner has no webhook line). */
export function readDemoSecret(secretsFile: string): string | undefined {
  try {
    const secrets: unknown = JSON.parse(readFileSync(secretsFile, 'utf8'));
    const value = typeof secrets === 'object' && secrets !== null ? (secrets as Record<string, unknown>)[DEMO_WEBHOOK_SOURCE] : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Single-quotes a word for a POSIX shell. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
