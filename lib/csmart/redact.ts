const REDACTED = '***';
// Tokens and SHA-1 hashes are long hex runs; form-style `token=…` / `hash=…` / `password=…` pairs may be echoed by PHP warnings.
const HEX_RUN = /\b[0-9a-f]{32,}\b/gi;
const SECRET_PAIR = /\b(token|hash|password|haslo|hasło)(["']?\s*[=:]\s*["']?)[^&\s"',;]+/gi;

/** Removes known secret values and anything shaped like one from a text meant for logs or errors. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out.replace(SECRET_PAIR, `$1$2${REDACTED}`).replace(HEX_RUN, REDACTED);
}

/** A short, single-line, secret-free excerpt of a reply body, for a protocol error's message. */
export function excerpt(body: string, secrets: readonly string[] = [], max = 120): string {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  const clean = redact(text, secrets);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
