import { SignatureV4 } from '@smithy/signature-v4';
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import type { AwsCredentials } from './aws-environment.ts';
import { classifyFailure, createRetryQuota, retryDelayMs } from './retry-policy.ts';
import { Sha256 } from './sha256.ts';

/** An AWS service's error answer, shaped as the SDK's: `name` is the service's error code, `$metadata` the HTTP facts. */
export class AwsServiceError extends Error {
  override name: string;
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string | undefined; attempts: number };

  constructor(code: string, message: string, status: number, requestId: string | undefined, attempts: number) {
    super(message);
    this.name = code;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId, attempts };
  }
}

export type JsonServiceOptions = {
  /** The signing name (`sqs`, `ssm`). */
  signingName: string;
  /** `AmazonSQS`, `AmazonSSM`: the `X-Amz-Target` prefix. */
  targetPrefix: string;
  /** The protocol's version: `1.0` (SQS) or `1.1` (SSM). */
  jsonVersion: '1.0' | '1.1';
  region: string;
  credentials: AwsCredentials;
  maxAttempts: number;
  /** Per attempt, from sending to the last byte; then a `TimeoutError`, retried. Default 3 s: three attempts fit the HTTP functions' 10 s. */
  timeoutMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

/** One AWS service spoken in its JSON protocol: `call('SendMessage', input, endpoint)`. */
export type JsonService = {
  call<T>(operation: string, input: object, endpoint: URL): Promise<T>;
};

type Answer = { status: number; headers: IncomingMessage['headers']; body: string };

/**
 * Signed JSON-protocol requests without the SDK: SigV4 from `@smithy/signature-v4` (the SDK's own signer),
 * sent with node:http or node:https over keep-alive agents, retried as the SDK's standard mode retries.
 * What the cold start saves is the SDK's evaluation: its clients, middleware stack, endpoint rules and
 * credential chain (see the README's performance section).
 */
export function createJsonService(options: JsonServiceOptions): JsonService {
  const { signingName, targetPrefix, jsonVersion, region, credentials, maxAttempts } = options;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const signer = new SignatureV4({ service: signingName, region, credentials, sha256: Sha256 });
  const quota = createRetryQuota();
  const contentType = `application/x-amz-json-${jsonVersion}`;
  // One keep-alive pool per protocol, owned by this service (no process-wide state).
  const agents = new Map<string, HttpAgent>();

  async function attempt(operation: string, payload: string, endpoint: URL): Promise<Answer> {
    const basePath = endpoint.pathname.endsWith('/') ? endpoint.pathname : `${endpoint.pathname}/`;
    const signed = await signer.sign({
      method: 'POST', protocol: endpoint.protocol, hostname: endpoint.hostname, port: endpoint.port ? Number(endpoint.port) : undefined, path: basePath,
      query: {}, body: payload,
      headers: { host: endpoint.host, 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)), 'x-amz-target': `${targetPrefix}.${operation}` },
    });
    return send(agents, endpoint, basePath, signed.headers, payload, timeoutMs);
  }

  return {
    async call<T>(operation: string, input: object, endpoint: URL): Promise<T> {
      const payload = JSON.stringify(input);
      let retryCost: number | undefined;
      for (let attempts = 1; ; attempts++) {
        let failure: unknown;
        try {
          const answer = await attempt(operation, payload, endpoint);
          if (answer.status < 300) {
            quota.succeeded(retryCost);
            return parseAnswer<T>(operation, answer.body);
          }
          failure = serviceError(answer, attempts);
        } catch (error) {
          failure = error;
        }
        const facts = failure as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
        const kind = classifyFailure({ name: facts.name, code: facts.code, status: facts.$metadata?.httpStatusCode });
        const delay = retryDelayMs(kind, attempts, maxAttempts, random);
        const cost = delay === undefined ? undefined : quota.take(kind);
        if (delay === undefined || cost === undefined) throw failure;
        retryCost = cost;
        await sleep(delay);
      }
    },
  };
}

/**
 * A 2xx answer's JSON. A body that is not JSON fails without quoting it: `JSON.parse`'s own message holds a
 * piece of the text, and an SSM answer holds decrypted values.
 */
function parseAnswer<T>(operation: string, body: string): T {
  try {
    return (body ? JSON.parse(body) : {}) as T;
  } catch {
    const error = new Error(`The answer to ${operation} is not JSON (${body.length} characters)`);
    error.name = 'DeserializationError';
    throw error;
  }
}

/** The error of a non-2xx answer: its code from `x-amzn-query-error` (SQS), `__type` or `x-amzn-errortype`, as the SDK reads them. */
function serviceError(answer: Answer, attempts: number): AwsServiceError {
  let parsed: { __type?: unknown; code?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    parsed = answer.body ? (JSON.parse(answer.body) as typeof parsed) : {};
  } catch {
    // An HTML page from a proxy: the status decides.
  }
  const header = (name: string) => {
    const value = answer.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const raw = header('x-amzn-query-error')?.split(';')[0] || String(parsed.__type ?? parsed.code ?? header('x-amzn-errortype') ?? '') || `Http${answer.status}`;
  const code = raw.split('#').at(-1)!.split(':')[0]!;
  const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : `HTTP ${answer.status}`;
  return new AwsServiceError(code, message, answer.status, header('x-amzn-requestid'), attempts);
}

/** One POST over the keep-alive agent of its protocol; node:http/https are loaded synchronously on first use. */
function send(agents: Map<string, HttpAgent>, endpoint: URL, path: string, headers: Record<string, string>, payload: string, timeoutMs: number): Promise<Answer> {
  const secure = endpoint.protocol === 'https:';
  const http = secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  let agent = agents.get(endpoint.protocol);
  if (!agent) agents.set(endpoint.protocol, (agent = new http.Agent({ keepAlive: true, maxSockets: 50 })));
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname: endpoint.hostname, port: endpoint.port || undefined, path, method: 'POST', headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.setTimeout(timeoutMs, () => {
      const timeout = new Error(`No bytes for ${timeoutMs} ms`);
      timeout.name = 'TimeoutError';
      request.destroy(timeout);
    });
    request.on('error', reject);
    request.end(payload);
  });
}
