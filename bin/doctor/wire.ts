import type { Credentials } from '../../lib/csmart/client.ts';
import { encodeForm, FORM_CONTENT_TYPE } from '../../lib/csmart/form-encoding.ts';
import { isRedirect, movedTo } from '../../lib/csmart/http-transport.ts';
import { excerpt, redact } from '../../lib/csmart/redact.ts';

/**
 * One api.php round trip as the doctor sees it: not only the envelope (as the client reads it) but
 * what the client is built to tolerate — status, content type, BOM, size and time — so the report
 * can say what this CSMART actually sends. Never carries the token or hash.
 */
export type RawAnswer = {
  status: number;
  contentType: string;
  bytes: number;
  ms: number;
  bom: boolean;
  /** The envelope's `error` text ('' = success); undefined when the body is not the vendor's envelope. */
  error: string | undefined;
  data: unknown;
  /** Why the answer could not be read (network, timeout, not JSON), secret-free. */
  problem: string | undefined;
};

export type DoctorWire = {
  /** A Login with the configured credentials, or with `hash` instead of the password's (a refusal probe). */
  login(hash?: string): Promise<{ answer: RawAnswer; token: string | undefined }>;
  /** A call with `domain` and `token` added, as the client sends it. */
  call(module: string, action: string, fields: Record<string, string>, token: string): Promise<RawAnswer>;
};

export function createDoctorWire(credentials: Credentials, options: { timeoutMs: number; fetch?: typeof fetch }): DoctorWire {
  const doFetch = options.fetch ?? fetch;
  const secrets: string[] = [credentials.hash];

  async function send(query: Record<string, string>, fields: Record<string, string>): Promise<RawAnswer> {
    const url = new URL(credentials.endpoint);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const started = performance.now();
    let response: Response;
    let buffer: Buffer;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': FORM_CONTENT_TYPE, accept: 'application/json' },
        body: encodeForm(fields),
        signal: AbortSignal.timeout(options.timeoutMs),
        // As the integration's client: a redirect is reported, not followed (a POST moved by 301-303 loses its body).
        redirect: 'manual',
      });
      buffer = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      const problem = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${options.timeoutMs} ms` : `could not be reached (${(error as Error).message})`;
      return { status: 0, contentType: '', bytes: 0, ms: Math.round(performance.now() - started), bom: false, error: undefined, data: undefined, problem: redact(problem, secrets) };
    }
    const ms = Math.round(performance.now() - started);
    const text = buffer.toString('utf8');
    const base = { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes: buffer.length, ms, bom: text.startsWith('\uFEFF') };
    if (isRedirect(response.status)) return { ...base, error: undefined, data: undefined, problem: movedTo(response.headers.get('location')) };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.replace(/^[\uFEFF\s]+/, ''));
    } catch {
      return { ...base, error: undefined, data: undefined, problem: `not JSON: "${excerpt(text, secrets)}"` };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('error' in parsed)) {
      return { ...base, error: undefined, data: undefined, problem: `JSON without the "error" field: "${excerpt(text, secrets)}"` };
    }
    const envelope = parsed as { error: unknown; data?: unknown };
    const error = envelope.error === null || envelope.error === undefined || envelope.error === false ? '' : redact(String(envelope.error), secrets).trim();
    return { ...base, error, data: envelope.data, problem: undefined };
  }

  return {
    async login(hash = credentials.hash) {
      const answer = await send({ module: 'Login' }, { domain: credentials.domain, email: credentials.email, hash });
      const token = (answer.data as { token?: unknown } | null | undefined)?.token;
      if (answer.error === '' && typeof token === 'string' && token !== '') {
        secrets.push(token);
        return { answer: { ...answer, data: { ...(answer.data as object), token: '***' } }, token };
      }
      return { answer, token: undefined };
    },
    call(module, action, fields, token) {
      return send({ module, action }, { domain: credentials.domain, token, ...fields });
    },
  };
}
