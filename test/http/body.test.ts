import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../lib/http/body.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { httpEvent, multipartBody } from '../../emulators/lambda/http-events.ts';

const LIMIT = { maxBytes: 64 * 1024 };

function fixture(name: string): APIGatewayProxyEventV2 {
  return JSON.parse(readFileSync(new URL(`../events/leads/${name}.json`, import.meta.url), 'utf8')) as APIGatewayProxyEventV2;
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

function post(contentType: string | undefined, body: string | Buffer, base64?: boolean): APIGatewayProxyEventV2 {
  return httpEvent({ method: 'POST', path: '/leads', headers: contentType === undefined ? {} : { 'content-type': contentType }, body, ...(base64 === undefined ? {} : { base64 }) });
}

describe('readBody', () => {
  it('decodes a base64 urlencoded form post with Polish letters (AWS fixture)', async () => {
    const event = fixture('form-urlencoded-polish');
    expect(event.isBase64Encoded).toBe(true);

    const { fields, contentType, raw } = await readBody(event, LIMIT);

    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(raw.toString('utf8')).toContain('first_name=%C5%81ucja');
    expect(fields).toMatchObject({
      first_name: 'Łucja',
      last_name: 'Żółkiewska-Gęślak',
      company: 'Piekarnia Źdźbło sp. z o.o.',
      phone: '601 234 567',
      city: 'Kraków',
      message: 'Dzień dobry, proszę o wycenę 200 bułek dziennie.\r\nPozdrawiam',
      consent_rodo: 'on',
      _gotcha: '',
    });
  });

  it('reads the text fields of a base64 multipart post and ignores uploaded files (AWS fixture)', async () => {
    const { fields, contentType } = await readBody(fixture('multipart-polish'), LIMIT);

    expect(contentType).toBe('multipart/form-data');
    expect(fields).toEqual({
      imie: 'Zbigniew',
      nazwisko: 'Ścibór',
      'e-mail': 'zbigniew@example.com',
      tel: '+48 22 123 45 67',
      wiadomosc: 'Proszę o kontakt w sprawie usług księgowych.',
      zgoda_rodo: 'tak',
    });
  });

  it('reads a JSON object with Polish letters, turning numbers and booleans into text (AWS fixture)', async () => {
    const event = fixture('json-polish');
    expect(event.isBase64Encoded).toBe(false);

    const { fields } = await readBody(event, LIMIT);

    expect(fields).toEqual({
      name: 'Małgorzata Wójcik',
      email: 'm.wojcik@example.pl',
      phone: '+48 601 234 567',
      message: 'Czy dostarczacie do Łodzi?',
      consent_rodo: 'true',
      interests: ['dostawa', 'hurt'],
      utm_source: 'newsletter',
    });
  });

  it('turns a repeated form field (a checkbox group) into an array, in order', async () => {
    const { fields } = await readBody(post('application/x-www-form-urlencoded', 'interest=a&interest=b&interest=c&email=x%40y.pl'), LIMIT);

    expect(fields).toEqual({ interest: ['a', 'b', 'c'], email: 'x@y.pl' });
  });

  it('reads + as a space and %2B as a plus in a urlencoded form', async () => {
    const { fields } = await readBody(post('application/x-www-form-urlencoded', 'phone=%2B48+600+123+456'), LIMIT);

    expect(fields).toEqual({ phone: '+48 600 123 456' });
  });

  it('repeats multipart fields into an array too', async () => {
    const { body, contentType } = multipartBody([['topic', 'a'], ['topic', 'b']]);

    const { fields } = await readBody(post(contentType, body), LIMIT);

    expect(fields).toEqual({ topic: ['a', 'b'] });
  });

  it('reads a body sent as plain text (isBase64Encoded false) the same way', async () => {
    const { fields } = await readBody(post('application/x-www-form-urlencoded; charset=UTF-8', 'city=%C5%81%C3%B3d%C5%BA', false), LIMIT);

    expect(fields).toEqual({ city: 'Łódź' });
  });

  it('keeps a field called __proto__ an ordinary field', async () => {
    const { fields } = await readBody(post('application/json', '{"__proto__": "x", "email": "a@b.pl"}'), LIMIT);

    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.keys(fields ?? {})).toEqual(['__proto__', 'email']);
  });

  it('treats null in JSON as an absent field', async () => {
    const { fields } = await readBody(post('application/json', '{"company": null, "email": "a@b.pl"}'), LIMIT);

    expect(fields).toEqual({ email: 'a@b.pl' });
  });

  it('gives no fields for an empty body', async () => {
    const { fields, raw } = await readBody(httpEvent({ method: 'POST', path: '/leads' }), LIMIT);

    expect(fields).toBeUndefined();
    expect(raw.length).toBe(0);
  });

  it('answers 413 when the decoded body is over the limit', async () => {
    const event = post('application/x-www-form-urlencoded', `message=${'a'.repeat(2000)}`);

    const error = await failure(readBody(event, { maxBytes: 1000 }));

    expect(error.status).toBe(413);
    expect(error.code).toBe('payload_too_large');
  });

  it('accepts a body of exactly the limit', async () => {
    const body = `m=${'a'.repeat(998)}`;

    const { fields } = await readBody(post('application/x-www-form-urlencoded', body), { maxBytes: 1000 });

    expect(fields?.m).toHaveLength(998);
  });

  it('answers 415 for an unsupported content type', async () => {
    const error = await failure(readBody(post('text/plain', 'hello'), LIMIT));

    expect(error.status).toBe(415);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('text/plain');
  });

  it('answers 415 when a non-empty body has no content type', async () => {
    const error = await failure(readBody(post(undefined, 'email=a%40b.pl'), LIMIT));

    expect(error.status).toBe(415);
  });

  it('answers 415 for a charset other than UTF-8', async () => {
    const error = await failure(readBody(post('application/x-www-form-urlencoded; charset=iso-8859-2', 'city=%A3%F3d%BC'), LIMIT));

    expect(error.status).toBe(415);
    expect(error.code).toBe('unsupported_charset');
  });

  it('answers 400 for malformed JSON without quoting the body', async () => {
    const error = await failure(readBody(post('application/json', '{"email": "secret@example.pl",'), LIMIT));

    expect(error.status).toBe(400);
    expect(error.code).toBe('malformed_json');
    expect(error.message).not.toContain('secret@example.pl');
  });

  it('answers 400 when the JSON body is not an object', async () => {
    const error = await failure(readBody(post('application/json', '["a@b.pl"]'), LIMIT));

    expect(error.status).toBe(400);
    expect(error.code).toBe('json_not_object');
  });

  it('reads a JSON object with a value member as that value (a WPForms Date/Time field)', async () => {
    const body = '{"email": "a@b.pl", "termin": {"value": "2026-03-20 10:00", "unix": 1773997200}, "wybor": {"value": ["A", "B"]}, "puste": {"value": null}}';
    const { fields } = await readBody(post('application/json', body), LIMIT);

    expect(fields).toEqual({ email: 'a@b.pl', termin: '2026-03-20 10:00', wybor: ['A', 'B'] });
  });

  it('leaves out files nested in JSON (CF7 to Webhook with file content), as in multipart', async () => {
    const body = '{"your-email": "a@b.pl", "file-cv": [{"filename": "brief.pdf", "content": "JVBERi0x"}], "photo": {"filename": "a.jpg", "content": "/9j/"}}';
    const { fields } = await readBody(post('application/json', body), LIMIT);

    expect(fields).toEqual({ 'your-email': 'a@b.pl' });
  });

  it('keeps any other nested object or list of objects as compact JSON text', async () => {
    const body = '{"email": "a@b.pl", "address": { "city": "Łódź" }, "tags": [1, {"x": 1}, [2, 3]]}';
    const { fields } = await readBody(post('application/json', body), LIMIT);

    expect(fields).toEqual({ email: 'a@b.pl', address: '{"city":"Łódź"}', tags: ['1', '{"x":1}', '[2,3]'] });
  });

  it('answers 400 naming a JSON field nested too deeply to read', async () => {
    const deep = `${'['.repeat(30_000)}1${']'.repeat(30_000)}`;
    const error = await failure(readBody(post('application/json', `{"email": "a@b.pl", "x": {"y": ${deep}}}`), LIMIT));

    expect(error.status).toBe(400);
    expect(error.problems).toEqual([expect.objectContaining({ field: 'x', code: 'unsupported_value' })]);
    expect(error.message).toContain('"x"');
  });

  it('answers 400 for a JSON string with a lone surrogate', async () => {
    const error = await failure(readBody(post('application/json', '{"message": "a\\ud800b"}'), LIMIT));

    expect(error.status).toBe(400);
    expect(error.problems[0]).toMatchObject({ field: 'message', code: 'invalid_text' });
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const error = await failure(readBody(post('application/json', Buffer.from([0x7b, 0x22, 0xa3, 0x22, 0x3a, 0x31, 0x7d]), true), LIMIT));

    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_utf8');
  });

  it('answers 400 for a percent escape that is not UTF-8', async () => {
    const error = await failure(readBody(post('application/x-www-form-urlencoded', 'city=%A3%F3d%BC'), LIMIT));

    expect(error.status).toBe(400);
    expect(error.code).toBe('malformed_body');
  });

  it('answers 400 naming the field for a multipart text part that is not UTF-8, as for a form-encoded one', async () => {
    const latin2 = Buffer.concat([Buffer.from('--b\r\nContent-Disposition: form-data; name="city"\r\n\r\n'), Buffer.from([0xa3, 0xf3, 0x64, 0xbc]), Buffer.from('\r\n--b--\r\n')]);
    const error = await failure(readBody(post('multipart/form-data; boundary=b', latin2, true), LIMIT));

    expect(error.status).toBe(400);
    expect(error.problems).toEqual([expect.objectContaining({ field: 'city', code: 'invalid_utf8' })]);
  });

  it('keeps a U+FFFD the sender really sent in a multipart field', async () => {
    const { body, contentType } = multipartBody([['message', 'znak \uFFFD w treści']]);
    const { fields } = await readBody(post(contentType, body), LIMIT);

    expect(fields).toMatchObject({ message: 'znak \uFFFD w treści' });
  });

  it('answers 400 for multipart without a boundary', async () => {
    const error = await failure(readBody(post('multipart/form-data', '--x\r\n'), LIMIT));

    expect(error.status).toBe(400);
    expect(error.code).toBe('malformed_body');
  });

  it('answers 400 for a multipart body that does not match its boundary', async () => {
    const error = await failure(readBody(post('multipart/form-data; boundary=abc', 'not multipart at all'), LIMIT));

    expect(error.status).toBe(400);
    expect(error.code).toBe('malformed_body');
  });
});
