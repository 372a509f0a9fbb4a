import { redact } from '../csmart/redact.ts';

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const PHONE = /(?:\+\d{2}[\s-]?)?(?<![\w.-])\d{3}[\s-]?\d{3}[\s-]?\d{3}(?![\w.-])/g;

/**
 * A reason text fit for a log line: secrets redacted, and e-mail addresses and phone numbers masked,
 * since CSMART's or a sender's error texts may quote the data they refused.
 */
export function scrub(text: string): string {
  return redact(text).replace(EMAIL, '<e-mail>').replace(PHONE, '<phone>');
}
