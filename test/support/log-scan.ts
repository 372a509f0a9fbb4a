import { createHash } from 'node:crypto';
import { DEMO_USER } from '../../sandbox/server.ts';

/** What must never appear in a log line: personal data and secrets. */
const PATTERNS: [string, RegExp][] = [
  ['e-mail address', /[\w.+-]+@[\w-]+(\.[\w-]+)+/],
  ['phone number', /(?:\+48[\s-]?)?(?<![\w.-])\d{3}[\s-]?\d{3}[\s-]?\d{3}(?![\w.-])/],
  ['token or hash', /(?<![\w-])[0-9a-f]{32,}(?![\w-])/i],
  ['webhook secret', /whsec_[A-Za-z0-9+/=]+/],
  ['password', new RegExp(`${DEMO_USER.password}|${createHash('sha1').update(DEMO_USER.password).digest('hex')}`)],
];

/** The problems of one structured log line: which forbidden pattern it matches, with the match. */
export function scanLogLine(line: string): string[] {
  const problems: string[] = [];
  for (const [what, pattern] of PATTERNS) {
    const match = pattern.exec(line);
    if (match) problems.push(`${what} "${match[0]}"`);
  }
  return problems;
}

/** Structured JSON log lines and metric (EMF) lines of Powertools in a chunk written to stdout or stderr. */
export function logLinesOf(chunk: string): string[] {
  return chunk.split('\n').filter((line) => line.startsWith('{') && (line.includes('"level"') || line.startsWith('{"_aws"')));
}
