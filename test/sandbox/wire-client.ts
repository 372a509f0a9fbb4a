import { createHash } from 'node:crypto';
import type { Sandbox } from '../../sandbox/server.ts';

/** A raw answer of api.php: status, headers, the exact bytes, and the envelope when the body parses. */
export type RawAnswer = { status: number; contentType: string | null; bytes: Buffer; text: string; envelope: Envelope | undefined };
export type Envelope = { error: string; data?: unknown };

export const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/** POSTs form fields to api.php with plain fetch, as the vendor documents the call. */
export async function post(sandbox: Sandbox, query: Record<string, string>, fields: Record<string, string> | string): Promise<RawAnswer> {
  const body = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
  const response = await fetch(`${sandbox.url}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    body,
  });
  return read(response);
}

export async function read(response: Response): Promise<RawAnswer> {
  const bytes = Buffer.from(await response.arrayBuffer());
  // Read without TextDecoder's BOM stripping, to see exactly what was sent.
  const text = bytes.toString('utf8');
  let envelope: Envelope | undefined;
  try {
    envelope = JSON.parse(text.replace(/^\uFEFF/, '')) as Envelope;
  } catch {
    envelope = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), bytes, text, envelope };
}

export async function login(sandbox: Sandbox, user = { domain: 'demo', email: 'demo@csmart.local', password: 'demo-password' }): Promise<string> {
  const answer = await post(sandbox, { module: 'Login' }, { domain: user.domain, email: user.email, hash: sha1(user.password) });
  const data = answer.envelope?.data as { token?: string } | undefined;
  if (!data?.token) throw new Error(`login failed: ${answer.text}`);
  return data.token;
}

/** A logged-in caller of one sandbox: `call('Accounts', 'Save', { name: 'x' })`. */
export async function session(sandbox: Sandbox, domain = 'demo') {
  const token = await login(sandbox);
  return {
    token,
    call: (module: string, action: string, fields: Record<string, string> = {}) =>
      post(sandbox, { module, action }, { domain, token, ...fields }),
  };
}

export async function admin(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sandbox.adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, json: await response.json() };
}
