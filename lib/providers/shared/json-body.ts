import { InputValidationError } from '../../errors/refusal.ts';

/** The body as JSON, parsed only after the signature was checked on the raw bytes. */
export function parseJsonBody(rawBody: Buffer): unknown {
  let text = rawBody.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputValidationError([{ code: 'invalid_json', field: 'body', message: 'The body is not valid JSON.' }]);
  }
}
