import { WebhookSettingsError } from '../errors.ts';

/*
 * A stored secret is opaque bytes: senders generate them from any printable character (WooCommerce's
 * `wp_generate_password(50, true, true)` uses spaces, commas, quotes and brackets), so a value is never
 * split on anything a printable secret can contain. Several secrets during a rotation are stored as
 * one per line, or as a JSON array of strings.
 */

/** Today's Standard Webhooks rotation values, `whsec_… whsec_…`: base64 secrets never hold spaces or commas. */
const LEGACY_STANDARD_LIST = /^whsec_[A-Za-z0-9+/=]+(?:[\s,]+whsec_[A-Za-z0-9+/=]+)+$/;

/**
 * The secrets one stored value holds:
 * - a JSON array of strings (`["old", "new"]`) → its elements;
 * - a value with line breaks → one secret per line (`\r\n` allowed, empty lines skipped, nothing trimmed);
 * - anything else → the whole value, unchanged, as one secret.
 * A JSON array's whole text is a candidate too, so a single secret that happens to look like one still
 * verifies. Values of the old space-separated form are still read when every part is a `whsec_` secret.
 */
export function parseSecretValue(value: string): string[] {
  const secrets = new Set<string>();
  // A blank value or line is a paste mistake, never a key: a source with nothing else is not configured.
  const add = (secret: string) => {
    if (secret.trim().length > 0) secrets.add(secret);
  };
  const list = value.trimStart().startsWith('[') ? jsonArrayOf(value) : undefined;
  if (list) {
    for (const secret of list) add(secret);
    add(value);
  } else if (/[\r\n]/.test(value)) {
    for (const secret of value.split(/\r?\n|\r/)) add(secret);
  } else {
    add(value);
    // Today's values were read trimmed; a pasted value with a stray space at either end keeps working.
    add(value.trim());
    if (LEGACY_STANDARD_LIST.test(value.trim())) for (const secret of value.trim().split(/[\s,]+/)) add(secret);
  }
  return [...secrets];
}

/** Every secret of every stored value. */
export function splitSecrets(values: readonly string[]): string[] {
  return [...new Set(values.flatMap(parseSecretValue))];
}

/** The configured secrets, or a `WebhookSettingsError` when there are none: never accept unsigned deliveries. */
export function requireSecrets(values: readonly string[]): string[] {
  const secrets = splitSecrets(values);
  if (secrets.length === 0) throw new WebhookSettingsError('secret_not_configured', 'No signing secret is configured for this webhook source.');
  return secrets;
}

function jsonArrayOf(value: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
