import { describe, expect, it } from 'vitest';
import { header, parseMediaType } from '../../lib/http/event.ts';
import { formPost, httpEvent, jsonPost } from '../../emulators/lambda/http-events.ts';

describe('header', () => {
  it('finds a payload v2 header by its lower-case name whatever case is asked for', () => {
    expect(header({ headers: { 'content-type': 'application/json' } }, 'Content-Type')).toBe('application/json');
  });

  it('still finds a mixed-case header in a hand-made event', () => {
    expect(header({ headers: { 'X-Custom': '1' } }, 'x-custom')).toBe('1');
  });
});

describe('parseMediaType', () => {
  it('lower-cases the type and reads quoted parameters', () => {
    expect(parseMediaType('Multipart/Form-Data; boundary="a b"; CharSet=UTF-8')).toEqual({ type: 'multipart/form-data', params: { boundary: 'a b', charset: 'UTF-8' } });
  });
});

describe('httpEvent (test factory)', () => {
  it('base64-encodes a form post and lower-cases header names, as HTTP APIs do', () => {
    const event = formPost('/leads', { email: 'a@b.pl' }, { headers: { 'X-Forwarded-For': '198.51.100.1' } });

    expect(event.version).toBe('2.0');
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString()).toBe('email=a%40b.pl');
    expect(event.headers['x-forwarded-for']).toBe('198.51.100.1');
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.requestContext.stage).toBe('$default');
  });

  it('leaves a JSON body as text', () => {
    const event = jsonPost('/leads', { a: 1 });

    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe('{"a":1}');
  });

  it('moves cookies out of the headers and joins repeated query parameters with commas', () => {
    const event = httpEvent({ method: 'get', path: '/x', headers: { Cookie: 'a=1; b=2' }, query: { t: ['1', '2'], q: 'ł' } });

    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.rawQueryString).toBe('t=1&t=2&q=%C5%82');
    expect(event.queryStringParameters).toEqual({ t: '1,2', q: 'ł' });
    expect(event.routeKey).toBe('GET /x');
  });
});
