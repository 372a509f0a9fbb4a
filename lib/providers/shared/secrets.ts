import { ProviderConfigError } from '../errors.ts';

/**
 * Our rotation mechanism: one stored secret value may hold several secrets separated by whitespace
 * or commas; a delivery signed with any of them is accepted. Add the new secret, switch the sender,
 * then remove the old one.
 */
export function splitSecrets(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(/[\s,]+/)).filter((secret) => secret.length > 0);
}

/** The configured secrets, or a `ProviderConfigError` when there are none: never accept unsigned deliveries. */
export function requireSecrets(values: readonly string[]): string[] {
  const secrets = splitSecrets(values);
  if (secrets.length === 0) throw new ProviderConfigError('secret_not_configured', 'No signing secret is configured for this webhook source.');
  return secrets;
}
