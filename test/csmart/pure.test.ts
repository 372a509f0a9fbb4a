import { describe, expect, it } from 'vitest';
import { createAuthErrorMatcher } from '../../lib/csmart/auth-pattern.ts';
import { CsmartNetworkError, CsmartProtocolError, CsmartTimeoutError, CsmartUpstreamError, CsmartValidationError } from '../../lib/csmart/errors.ts';
import { encodeForm } from '../../lib/csmart/form-encoding.ts';
import { normaliseId, normaliseList } from '../../lib/csmart/normalise.ts';
import { excerpt, redact } from '../../lib/csmart/redact.ts';
import { parseReply } from '../../lib/csmart/parse-reply.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryable } from '../../lib/csmart/retry-policy.ts';

describe('form encoding', () => {
  it('percent-encodes UTF-8 and escapes the form syntax characters', () => {
    expect(encodeForm({ name: 'Zażółć & a=b+c 100%' })).toBe('name=Za%C5%BC%C3%B3%C5%82%C4%87+%26+a%3Db%2Bc+100%25');
  });

  it('keeps new lines and emoji byte-exact', () => {
    const encoded = encodeForm({ d: 'a\r\nb\n🚀' });
    expect(new URLSearchParams(encoded).get('d')).toBe('a\r\nb\n🚀');
  });

  it('leaves out undefined and null and writes booleans as 0/1', () => {
    expect(encodeForm({ a: undefined, b: null, c: true, d: false, e: 7 })).toBe('c=1&d=0&e=7');
  });
});

describe('retry policy', () => {
  const timeout = new CsmartTimeoutError('t');
  const refused = new CsmartNetworkError('n', { neverSent: true });
  const reset = new CsmartNetworkError('n', { neverSent: false });
  const upstream = new CsmartUpstreamError('u', { status: 502 });
  const protocol = new CsmartProtocolError('p');

  it('repeats Login and List after any transient failure', () => {
    for (const error of [timeout, refused, reset, upstream, protocol]) {
      expect(isRetryable(error, 'List')).toBe(true);
      expect(isRetryable(error, 'Login')).toBe(true);
    }
  });

  it('repeats a Save only when the connection was refused', () => {
    expect(isRetryable(refused, 'Save')).toBe(true);
    for (const error of [timeout, reset, upstream, protocol]) expect(isRetryable(error, 'Save')).toBe(false);
  });

  it('never repeats a validation error', () => {
    expect(isRetryable(new CsmartValidationError('v'), 'List')).toBe(false);
  });

  it('backs off exponentially with full jitter under the ceiling', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(policy, 0, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('auth error pattern', () => {
  const isAuth = createAuthErrorMatcher();

  it.each(['Nieprawidłowy lub wygasły token.', 'Sesja wygasła', 'SESJA WYGASLA', 'Brak autoryzacji', 'Invalid session', 'Please log in again', 'Zaloguj się ponownie'])(
    'treats "%s" as an auth failure', (text) => expect(isAuth(text)).toBe(true),
  );

  it.each(['Pole name jest wymagane.', 'Nie znaleziono klienta o podanym NIP.', 'Rekord o podanym id nie istnieje.'])(
    'treats "%s" as a data error', (text) => expect(isAuth(text)).toBe(false),
  );

  it('takes a configured pattern, diacritic-insensitive', () => {
    const custom = createAuthErrorMatcher('wygasł');
    expect(custom('Dostęp WYGASL')).toBe(true);
    expect(custom('token')).toBe(false);
  });
});

describe('reply parsing', () => {
  const ctx = { module: 'Accounts', action: 'List', status: 200, secrets: ['s3cr3t-token-value'] };

  it('reads JSON behind a UTF-8 BOM whatever the content type', () => {
    expect(parseReply('\uFEFF{"error":"","data":[1]}', ctx)).toEqual({ error: '', data: [1] });
  });

  it('turns an HTML page into a protocol error quoting a short excerpt', () => {
    expect(() => parseReply('<html><body><h1>Błąd serwera</h1></body></html>', ctx)).toThrow(/Accounts\/List did not answer JSON \(HTTP 200\): "Błąd serwera"/);
  });

  it('turns a 5xx page into an upstream error with the status', () => {
    try {
      parseReply('<h1>Bad gateway</h1>', { ...ctx, status: 502 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsmartUpstreamError);
      expect((error as CsmartUpstreamError).status).toBe(502);
    }
  });

  it('turns empty and truncated bodies into protocol errors', () => {
    expect(() => parseReply('', ctx)).toThrow(CsmartProtocolError);
    expect(() => parseReply('{"error":"","data":[{"id":1', ctx)).toThrow(CsmartProtocolError);
    expect(() => parseReply('{"data":[]}', ctx)).toThrow(/without the "error" field/);
  });

  it('keeps secrets out of the excerpt', () => {
    const body = 'Warning: token=s3cr3t-token-value hash=0123456789abcdef0123456789abcdef01234567 in api.php';
    const message = (() => { try { parseReply(body, ctx); } catch (e) { return (e as Error).message; } return ''; })();
    expect(message).not.toContain('s3cr3t');
    expect(message).not.toContain('0123456789abcdef');
    expect(message).toContain('api.php');
  });
});

describe('normalisation', () => {
  it('turns id-keyed objects and numeric ids into arrays with string ids', () => {
    expect(normaliseList({ 7: { name: 'A' }, 9: { id: 9, name: 'B' } }, 'Accounts')).toEqual([{ name: 'A', id: '7' }, { id: '9', name: 'B' }]);
    expect(normaliseList([{ id: 3 }], 'Accounts')).toEqual([{ id: '3' }]);
    expect(normaliseList(null, 'Accounts')).toEqual([]);
  });

  it('refuses a list of non-objects', () => {
    expect(() => normaliseList([1, 2], 'Accounts')).toThrow(CsmartProtocolError);
    expect(() => normaliseList(5, 'Accounts')).toThrow(CsmartProtocolError);
  });

  it('reads a saved id given as a number, a string or inside an object', () => {
    expect(normaliseId(12, 'Events')).toBe('12');
    expect(normaliseId('12', 'Events')).toBe('12');
    expect(normaliseId({ id: 12 }, 'Events')).toBe('12');
    expect(() => normaliseId('', 'Events')).toThrow(CsmartProtocolError);
  });
});

describe('redaction', () => {
  it('removes given secrets and secret-shaped values', () => {
    expect(redact('pass hunter22 and token: abc', ['hunter22'])).toBe('pass *** and token: ***');
    expect(excerpt('<p>a\n\n b</p>')).toBe('a b');
  });
});
