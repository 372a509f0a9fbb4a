/**
 * CSMART takes `application/x-www-form-urlencoded` bodies in UTF-8. URLSearchParams is the runtime's
 * WHATWG encoder: UTF-8 percent-encoding, space as `+`, and `&`, `=`, `+`, `%`, CR and LF escaped,
 * which PHP's `$_POST` decodes byte-exact.
 */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=UTF-8';

export type FormValue = string | number | boolean | null | undefined;

/** Encodes fields in their given order; `undefined` and `null` are left out, numbers and booleans become text. */
export function encodeForm(fields: Record<string, FormValue>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    params.append(name, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return params.toString();
}
