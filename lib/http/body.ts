import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InputValidationError, type FieldProblem } from '../errors/refusal.ts';
import type { BodyFields } from '../mapping/body-fields.ts';
import { httpErrorOf } from './error-answer.ts';
import { HttpError } from './errors.ts';
import { header, parseMediaType } from './event.ts';

export type { BodyFields } from '../mapping/body-fields.ts';

export type ReadBody = {
  /** The exact bytes sent (base64 already undone): what signatures are computed over. */
  raw: Buffer;
  /** The media type, lower-cased, without parameters (`application/json`); undefined when not sent. */
  contentType: string | undefined;
  /** The parsed fields; undefined when the body is empty. */
  fields: BodyFields | undefined;
};

export const BODY_TYPES = {
  urlencoded: 'application/x-www-form-urlencoded',
  multipart: 'multipart/form-data',
  json: 'application/json',
} as const;

const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * Reads an HTTP API (payload v2) body: undoes base64, enforces the size limit (413), and parses an HTML
 * form (urlencoded or multipart) or a JSON object into fields. Every failure is an `HttpError`:
 * 413 too large, 415 unsupported type or charset, 400 malformed.
 */
export async function readBody(event: APIGatewayProxyEventV2, options: { maxBytes: number }): Promise<ReadBody> {
  return parse(rawBodyOf(event, options), header(event, 'content-type'));
}

/**
 * The exact bytes sent, base64 undone, within the size limit (413): what a webhook signature is
 * computed over, before any parser may touch the body.
 */
export function rawBodyOf(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>, options: { maxBytes: number }): Buffer {
  // Lambda's 6 MB payload limit bounds what arrives here, so decoding before measuring is cheap.
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length > options.maxBytes) throw new HttpError(413, 'payload_too_large', `The body is larger than ${options.maxBytes} bytes.`);
  return raw;
}

async function parse(raw: Buffer, contentTypeHeader: string | undefined): Promise<ReadBody> {
  const media = contentTypeHeader === undefined || contentTypeHeader.trim() === '' ? undefined : parseMediaType(contentTypeHeader);
  const contentType = media?.type;
  if (raw.length === 0) return { raw, contentType, fields: undefined };
  if (media === undefined) {
    throw new HttpError(415, 'unsupported_media_type', `The request has no Content-Type; send ${supportedTypes()}.`);
  }
  const charset = media.params.charset?.toLowerCase();
  if (charset !== undefined && !UTF8_NAMES.has(charset)) {
    throw new HttpError(415, 'unsupported_charset', `The charset ${quote(charset)} is not supported; send UTF-8.`);
  }
  if (media.type === BODY_TYPES.urlencoded) return { raw, contentType, fields: parseUrlEncoded(decodeUtf8(raw)) };
  if (media.type === BODY_TYPES.multipart) return { raw, contentType, fields: await parseMultipart(raw, contentTypeHeader ?? '', media.params.boundary) };
  if (media.type === BODY_TYPES.json || /^application\/[\w.+-]+\+json$/.test(media.type)) return { raw, contentType, fields: parseJson(decodeUtf8(raw)) };
  throw new HttpError(415, 'unsupported_media_type', `The Content-Type ${quote(media.type)} is not supported; send ${supportedTypes()}.`);
}

function decodeUtf8(raw: Buffer): string {
  try {
    // fatal: a body in another encoding (a page with accept-charset=iso-8859-2) must not turn into U+FFFD silently.
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new HttpError(400, 'invalid_utf8', 'The body is not valid UTF-8.');
  }
}

/** `a=1&b=2&b=3`, `+` = space, percent escapes are UTF-8 (what browsers send for an HTML form). */
function parseUrlEncoded(text: string): BodyFields {
  const fields = new FieldCollector();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    if (name === '') continue;
    fields.add(name, decodeComponent(eq < 0 ? '' : pair.slice(eq + 1)));
  }
  return fields.toFields();
}

function decodeComponent(text: string): string {
  try {
    // Unlike URLSearchParams, decodeURIComponent refuses escapes that are not UTF-8 instead of writing U+FFFD.
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new HttpError(400, 'malformed_body', 'The form body has a percent escape that is not valid UTF-8.');
  }
}

async function parseMultipart(raw: Buffer, contentTypeHeader: string, boundary: string | undefined): Promise<BodyFields> {
  if (boundary === undefined || boundary === '') throw new HttpError(400, 'malformed_body', 'A multipart/form-data body needs a boundary in its Content-Type.');
  let form: FormData;
  try {
    // The runtime's own parser (undici): no dependency, and it is what fetch uses.
    form = await new Response(raw, { headers: { 'content-type': contentTypeHeader } }).formData();
  } catch {
    throw new HttpError(400, 'malformed_body', 'The multipart/form-data body could not be parsed.');
  }
  // undici decodes text parts with replacement characters, never an error: a part in another encoding (a page
  // with accept-charset=iso-8859-2) is refused as the urlencoded body is, unless the body itself holds U+FFFD.
  const replacedOnly = raw.indexOf(REPLACEMENT_BYTES) === -1;
  const fields = new FieldCollector();
  for (const [name, value] of form) {
    // Uploaded files have no place in a CRM lead; only text fields count.
    if (typeof value !== 'string') continue;
    if (replacedOnly && (value.includes('\uFFFD') || name.includes('\uFFFD'))) {
      throw httpErrorOf(new InputValidationError([{ code: 'invalid_utf8', field: name, message: `Field "${name}" is not valid UTF-8.` }], 'malformed'));
    }
    fields.add(name, value);
  }
  return fields.toFields();
}

/** U+FFFD as UTF-8: in the body only when someone sent the character itself. */
const REPLACEMENT_BYTES = Buffer.from('\uFFFD', 'utf8');

/**
 * A JSON object of fields, read tolerantly: builders nest values (WPForms' Date/Time field is
 * `{"value": "2026-03-20 10:00", "unix": …}`, CF7 to Webhook sends files as `[{"filename", "content"}]`).
 * Scalars are text; an object with a `value` reads as that value; a file is left out, as in multipart;
 * any other object is kept as compact JSON text (it lands in the description). Only what cannot be
 * sent on is refused, naming the field.
 */
function parseJson(text: string): BodyFields {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's message quotes the body; it stays out of the answer and the logs.
    throw new HttpError(400, 'malformed_json', 'The body is not valid JSON.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new HttpError(400, 'json_not_object', 'The JSON body must be an object of fields, such as {"email": "…"}.');
  }
  const fields = new FieldCollector();
  const problems: FieldProblem[] = [];
  for (const [name, value] of Object.entries(data)) {
    // null is what JavaScript forms send for an empty input: treated as absent.
    if (value === null || isFile(value)) continue;
    const list = Array.isArray(value);
    // Files in a list are left out; a list of nothing but files is no field at all.
    const items = list ? value.filter((item) => !isFile(item)) : [value];
    if (list && items.length === 0 && value.length > 0) continue;
    let texts: string[];
    try {
      texts = items.flatMap(textsOf);
    } catch {
      // JSON.stringify gives up on nesting deeper than its stack (a RangeError): nothing to keep.
      problems.push({ code: 'unsupported_value', field: name, message: `Field "${name}" is nested too deeply to be read.` });
      continue;
    }
    if (texts.some((t) => !t.isWellFormed())) {
      // A lone surrogate (JSON allows "\ud800") cannot be sent on as UTF-8.
      problems.push({ code: 'invalid_text', field: name, message: `Field "${name}" is not valid Unicode text.` });
      continue;
    }
    if (list || texts.length > 1) fields.addAll(name, texts);
    else if (texts.length === 1) fields.add(name, texts[0] as string);
  }
  if (problems.length > 0) throw httpErrorOf(new InputValidationError(problems, 'malformed'));
  return fields.toFields();
}

/** One JSON value as text: none for null, the `value` of a `{value, …}` object, else compact JSON. */
function textsOf(value: unknown): string[] {
  const scalar = scalarText(value);
  if (scalar !== undefined) return [scalar];
  if (value === null) return [];
  if (isRecord(value) && Object.hasOwn(value, 'value')) {
    const inner = value.value;
    if (inner === null) return [];
    const innerScalar = scalarText(inner);
    if (innerScalar !== undefined) return [innerScalar];
    if (Array.isArray(inner) && inner.every((item) => scalarText(item) !== undefined)) return inner.map((item) => scalarText(item) as string);
    return [JSON.stringify(inner)];
  }
  return [JSON.stringify(value)];
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** An uploaded file as builders nest it in JSON (`{"filename": …, "content": …}`): no place in a CRM lead. */
function isFile(value: unknown): boolean {
  return isRecord(value) && Object.hasOwn(value, 'filename');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects repeated names into arrays; `Object.fromEntries` keeps a field named `__proto__` an ordinary field. */
class FieldCollector {
  private readonly values = new Map<string, string[]>();
  private readonly lists = new Set<string>();

  add(name: string, value: string): void {
    const list = this.values.get(name);
    if (list) list.push(value);
    else this.values.set(name, [value]);
  }

  /** A JSON array stays an array, even with one element. */
  addAll(name: string, values: string[]): void {
    this.lists.add(name);
    for (const value of values) this.add(name, value);
    if (!this.values.has(name)) this.values.set(name, []);
  }

  toFields(): BodyFields {
    return Object.fromEntries([...this.values].map(([name, list]) => [name, list.length === 1 && !this.lists.has(name) ? (list[0] as string) : list]));
  }
}

function supportedTypes(): string {
  return Object.values(BODY_TYPES).join(', ');
}

function quote(text: string): string {
  return JSON.stringify(text.slice(0, 100));
}
