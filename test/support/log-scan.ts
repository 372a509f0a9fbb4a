import { createHash } from 'node:crypto';
import { DEMO_USER } from '../../sandbox/server.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** What must never appear in a log line: personal data and anything shaped like a secret. */
const PATTERNS: [string, RegExp][] = [
  ['e-mail address', /[\w.+-]+@[\w-]+(\.[\w-]+)+/],
  ['phone number', /(?:\+48[\s-]?)?(?<![\w.-])\d{3}[\s-]?\d{3}[\s-]?\d{3}(?![\w.-])/],
  ['token or hash', /(?<![\w-])[0-9a-f]{32,}(?![\w-])/i],
  ['webhook secret', /whsec_[A-Za-z0-9+/=]+/],
];

/**
 * Every secret the tests use, by value: each provider's signing secret, Turnstile's, the CSMART password
 * and its hash. Test helpers register what they sign or configure with; patterns alone would miss a
 * secret that does not look like one (`wc-secret-with-$pecial&chars`).
 */
const secrets = new Set<string>([DEMO_USER.password, sha1(DEMO_USER.password)]);

/** Adds secrets to look for: a value as given, each part of a rotation list, and a `whsec_` key without its prefix. */
export function registerSecret(...values: string[]): void {
  for (const value of values) {
    for (const part of [value, ...value.split(/[\s,]+/)]) {
      if (part.length >= 6) secrets.add(part);
      if (part.startsWith('whsec_') && part.length > 12) secrets.add(part.slice('whsec_'.length));
    }
  }
}

/** The secrets known right now, with the CSMART credentials the process runs with. */
export function knownSecrets(): string[] {
  const env = [process.env.CSMART_PASSWORD, process.env.CSMART_PASSWORD_SHA1].filter((v): v is string => typeof v === 'string' && v.length >= 6);
  return [...secrets, ...env, ...env.map(sha1)];
}

/** A secret named in a failure without showing it. */
const masked = (secret: string) => `${secret.slice(0, 3)}… (${secret.length} characters)`;

/** The problems of one structured log line: which forbidden pattern or known secret it carries. */
export function scanLogLine(line: string): string[] {
  const problems: string[] = [];
  for (const [what, pattern] of PATTERNS) {
    const match = pattern.exec(line);
    if (match) problems.push(`${what} "${match[0]}"`);
  }
  for (const secret of knownSecrets()) {
    // As written, and as JSON escapes it inside a string.
    if (line.includes(secret) || line.includes(JSON.stringify(secret).slice(1, -1))) problems.push(`secret ${masked(secret)}`);
  }
  return problems;
}

/** Structured JSON log lines and metric (EMF) lines of Powertools in a chunk written to stdout or stderr. */
export function logLinesOf(chunk: string): string[] {
  return chunk.split('\n').filter((line) => line.startsWith('{') && (line.includes('"level"') || line.startsWith('{"_aws"')));
}
