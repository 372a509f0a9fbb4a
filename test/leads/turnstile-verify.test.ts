import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTurnstileHostAllowed, turnstileIdempotencyKey, verifyTurnstile } from '../../lib/leads/turnstile.ts';
import { registerSecret } from '../support/log-scan.ts';

type Seen = { method: string; contentType: string | undefined; form: URLSearchParams };
type Reply = (res: ServerResponse) => void;

const SECRET = '0x4AAAAAAAtest-secret-never-shown';
registerSecret(SECRET);
let server: Server;
let verifyUrl: string;
let seen: Seen[] = [];
let reply: Reply;

const json = (status: number, body: unknown): Reply => (res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', contentType: req.headers['content-type'], form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  verifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/turnstile/v0/siteverify`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  reply = json(200, { success: true, 'error-codes': [], hostname: 'www.example.pl', action: 'contact', challenge_ts: '2026-03-11T10:00:00.000Z' });
});

describe('verifyTurnstile', () => {
  it('posts the secret, the token and the visitor\'s IP as form data', async () => {
    await verifyTurnstile({ token: 'tok-123', secret: SECRET, remoteIp: '203.0.113.7', verifyUrl });

    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({ secret: SECRET, response: 'tok-123', remoteip: '203.0.113.7', idempotency_key: turnstileIdempotencyKey('tok-123', SECRET) });
  });

  it('answers success with the hostname and action Cloudflare saw', async () => {
    expect(await verifyTurnstile({ token: 'tok-123', secret: SECRET, verifyUrl })).toEqual({ success: true, errorCodes: [], hostname: 'www.example.pl', action: 'contact' });
  });

  it('answers failure with Cloudflare\'s error codes', async () => {
    reply = json(200, { success: false, 'error-codes': ['invalid-input-response', 'timeout-or-duplicate'] });

    expect(await verifyTurnstile({ token: 'used', secret: SECRET, verifyUrl })).toEqual({ success: false, errorCodes: ['invalid-input-response', 'timeout-or-duplicate'] });
  });

  it('answers missing-input-response without asking Cloudflare when there is no token', async () => {
    expect(await verifyTurnstile({ token: '  ', secret: SECRET, verifyUrl })).toEqual({ success: false, errorCodes: ['missing-input-response'] });
    expect(seen).toHaveLength(0);
  });

  it('answers internal-error when the verify service fails, and never shows the secret', async () => {
    reply = json(500, { error: 'boom' });

    const result = await verifyTurnstile({ token: 'tok', secret: SECRET, verifyUrl });

    expect(result).toEqual({ success: false, errorCodes: ['internal-error'] });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('answers internal-error when the verify service answers something that is not its JSON', async () => {
    reply = (res) => res.end('<html>maintenance</html>');

    expect(await verifyTurnstile({ token: 'tok', secret: SECRET, verifyUrl })).toEqual({ success: false, errorCodes: ['internal-error'] });
  });

  it('answers internal-error when the verify service does not answer in time', async () => {
    reply = () => undefined;

    expect(await verifyTurnstile({ token: 'tok', secret: SECRET, verifyUrl, timeoutMs: 100 })).toEqual({ success: false, errorCodes: ['internal-error'] });
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return Response.json({ success: true });
    };

    await verifyTurnstile({ token: 'tok', secret: SECRET, fetch: fakeFetch });

    expect(calls).toEqual(['https://challenges.cloudflare.com/turnstile/v0/siteverify']);
  });
});

describe('the idempotency key of a token', () => {
  it('is a UUID that depends only on the token (and the secret), so a retry with the same token sends the same key', () => {
    const key = turnstileIdempotencyKey('tok-123', SECRET);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(turnstileIdempotencyKey('tok-123', SECRET)).toBe(key);
    expect(turnstileIdempotencyKey('tok-124', SECRET)).not.toBe(key);
    expect(turnstileIdempotencyKey('tok-123', 'another-secret')).not.toBe(key);
  });

  it('is sent with every verification of the same token', async () => {
    await verifyTurnstile({ token: 'tok-9', secret: SECRET, verifyUrl });
    await verifyTurnstile({ token: 'tok-9', secret: SECRET, verifyUrl });
    expect(seen.map((s) => s.form.get('idempotency_key'))).toEqual([turnstileIdempotencyKey('tok-9', SECRET), turnstileIdempotencyKey('tok-9', SECRET)]);
  });
});

describe('the hostname Cloudflare saw the widget on', () => {
  const origins = ['https://www.example.pl', 'https://sklep.example.pl:8443'];

  it('must be the host of one of the form\'s origins', () => {
    expect([isTurnstileHostAllowed('www.example.pl', origins), isTurnstileHostAllowed('SKLEP.example.pl', origins)]).toEqual([true, true]);
    expect([isTurnstileHostAllowed('example.pl', origins), isTurnstileHostAllowed('evil.example', origins), isTurnstileHostAllowed(undefined, origins)]).toEqual([false, false, false]);
  });

  it('is not restricted on a form without allowedOrigins', () => {
    expect(isTurnstileHostAllowed('anything.example', [])).toBe(true);
  });
});
