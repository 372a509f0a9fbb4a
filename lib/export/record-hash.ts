import { hash } from 'node:crypto';

/**
 * The content hash of one record: SHA-1 (base64url) of its NDJSON line, i.e. `JSON.stringify` of the
 * record as CSMART sent it, as UTF-8 bytes. Hashing the bytes already encoded for the file costs one
 * hash per record and no second serialisation.
 * Key order comes from the vendor's JSON; if it ever changes, hashes differ although nothing changed —
 * the field-by-field comparison of such candidates (see `changedFields`) then finds no change and no
 * event is sent. SHA-1 is used for speed and spread here, not for security.
 */
export function hashRecordLine(line: string | Buffer): string {
  return hash('sha1', line, 'base64url');
}
