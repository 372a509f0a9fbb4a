import { SSMClient } from '@aws-sdk/client-ssm';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The SSM operations this server answers; anything else is an `UnknownOperationException`. */
export const LOCAL_SSM_OPERATIONS = ['GetParameters', 'GetParameter', 'GetParametersByPath', 'PutParameter'] as const;
export type LocalSsmOperation = (typeof LOCAL_SSM_OPERATIONS)[number];

/** How an outage answers: a 500, or the 400 `ThrottlingException` SSM sends above its request rate. */
export type LocalSsmFailure = 'internal' | 'throttling';

export type LocalSsmRequest = { operation: string; body: Record<string, unknown> };

export type LocalSsm = {
  /** `http://127.0.0.1:<port>` — for `AWS_ENDPOINT_URL_SSM` or the client's `endpoint` option. */
  endpoint: string;
  /** The stored parameters, live: change a value here to simulate a rotation. */
  params: Record<string, string>;
  /** Requests received per operation, failed ones included. */
  calls: Record<LocalSsmOperation, number>;
  /** Every request received, in order (signed headers are not kept). */
  requests: LocalSsmRequest[];
  /** The next `n` requests fail (default: with a 500). */
  failNext(n: number, kind?: LocalSsmFailure): void;
  /** Every request fails while on (`true` = 500). */
  failAll(on: boolean | LocalSsmFailure): void;
  close(): Promise<void>;
};

const JSON_11 = 'application/x-amz-json-1.1';
const REGION = 'eu-central-1';
const ACCOUNT = '000000000000';

type AwsFault = { status: number; type: string; message: string };

/**
 * A small SSM Parameter Store speaking the AWS JSON 1.1 protocol on 127.0.0.1 (ephemeral port), enough
 * for the real `@aws-sdk/client-ssm` to talk to. Signatures are not verified. Every parameter is a
 * SecureString unless PutParameter says otherwise; read without `WithDecryption` it comes back as an
 * opaque blob, as from the real service, so a missing `WithDecryption: true` shows up in tests.
 */
export async function startLocalSsm(initial: Record<string, string> = {}): Promise<LocalSsm> {
  const params: Record<string, string> = { ...initial };
  const types = new Map<string, string>();
  const versions = new Map<string, number>();
  const modified = new Map<string, number>();
  const calls = Object.fromEntries(LOCAL_SSM_OPERATIONS.map((op) => [op, 0])) as Record<LocalSsmOperation, number>;
  const requests: LocalSsmRequest[] = [];
  let failures = 0;
  let failureKind: LocalSsmFailure = 'internal';
  let failingAll: false | LocalSsmFailure = false;

  const startedAt = Date.now() / 1000;
  const versionOf = (name: string) => versions.get(name) ?? 1;
  const typeOf = (name: string) => types.get(name) ?? 'SecureString';

  function describe(name: string, decrypt: boolean) {
    const value = params[name] ?? '';
    const type = typeOf(name);
    return {
      Name: name,
      Type: type,
      Value: type === 'SecureString' && !decrypt ? Buffer.from(`kms-encrypted:${name}`).toString('base64') : value,
      Version: versionOf(name),
      LastModifiedDate: modified.get(name) ?? startedAt,
      ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
      DataType: 'text',
    };
  }

  const has = (name: string) => Object.hasOwn(params, name);

  const handlers: Record<LocalSsmOperation, (body: Record<string, unknown>) => unknown> = {
    GetParameters(body) {
      const names = Array.isArray(body.Names) ? body.Names.map(String) : [];
      if (names.length === 0 || names.length > 10) {
        throw fault(400, 'ValidationException', 'Names must hold between 1 and 10 parameter names.');
      }
      const decrypt = body.WithDecryption === true;
      const unique = [...new Set(names)];
      return {
        Parameters: unique.filter(has).map((name) => describe(name, decrypt)),
        InvalidParameters: unique.filter((name) => !has(name)),
      };
    },
    GetParameter(body) {
      const name = String(body.Name ?? '');
      if (!has(name)) throw fault(400, 'ParameterNotFound', `Parameter ${name} not found.`);
      return { Parameter: describe(name, body.WithDecryption === true) };
    },
    GetParametersByPath(body) {
      const path = String(body.Path ?? '');
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const recursive = body.Recursive === true;
      const decrypt = body.WithDecryption === true;
      const max = typeof body.MaxResults === 'number' ? Math.min(Math.max(body.MaxResults, 1), 10) : 10;
      const start = typeof body.NextToken === 'string' ? Number(body.NextToken) : 0;
      const matching = Object.keys(params)
        .filter((name) => name.startsWith(prefix) && (recursive || !name.slice(prefix.length).includes('/')))
        .sort();
      const page = matching.slice(start, start + max);
      const next = start + max < matching.length ? String(start + max) : undefined;
      return { Parameters: page.map((name) => describe(name, decrypt)), ...(next ? { NextToken: next } : {}) };
    },
    PutParameter(body) {
      const name = String(body.Name ?? '');
      if (!name || typeof body.Value !== 'string') throw fault(400, 'ValidationException', 'Name and Value are required.');
      if (has(name) && body.Overwrite !== true) {
        throw fault(400, 'ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
      }
      const version = has(name) ? versionOf(name) + 1 : 1;
      params[name] = body.Value;
      versions.set(name, version);
      modified.set(name, Date.now() / 1000);
      if (typeof body.Type === 'string') types.set(name, body.Type);
      return { Version: version, Tier: 'Standard' };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : target;
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return answerFault(res, fault(400, 'SerializationException', 'Request body is not JSON.'));
    }
    requests.push({ operation, body });
    const known = (LOCAL_SSM_OPERATIONS as readonly string[]).includes(operation);
    if (known) calls[operation as LocalSsmOperation] += 1;

    const outage = failingAll || (failures > 0 ? failureKind : false);
    if (failures > 0) failures -= 1;
    if (outage) return answerFault(res, outageFault(outage));
    if (!known) return answerFault(res, fault(400, 'UnknownOperationException', `Unknown operation ${operation}.`));

    try {
      answer(res, 200, handlers[operation as LocalSsmOperation](body));
    } catch (error) {
      if (isFault(error)) return answerFault(res, error);
      throw error;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answerFault(res, fault(500, 'InternalServerError', 'Local SSM failed.')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    params,
    calls,
    requests,
    failNext(n, kind = 'internal') {
      failures = n;
      failureKind = kind;
    },
    failAll(on) {
      failingAll = on === true ? 'internal' : on;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function fault(status: number, type: string, message: string): AwsFault {
  return { status, type, message };
}

function isFault(value: unknown): value is AwsFault {
  return typeof value === 'object' && value !== null && 'status' in value && 'type' in value;
}

function outageFault(kind: LocalSsmFailure): AwsFault {
  return kind === 'throttling'
    ? fault(400, 'ThrottlingException', 'Rate exceeded')
    : fault(500, 'InternalServerError', 'Local SSM is down (simulated outage).');
}

function answer(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': JSON_11, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': crypto.randomUUID() });
  res.end(body);
}

function answerFault(res: ServerResponse, error: AwsFault): void {
  if (res.headersSent) return void res.end();
  answer(res, error.status, { __type: error.type, message: error.message });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A real SSM client pointed at a local server with dummy credentials. `maxAttempts` defaults to 1 so
 * outage tests do not wait for the SDK's retries; pass 3 to see the production behaviour.
 */
export function localSsmClient(endpoint: string, options: { maxAttempts?: number } = {}): SSMClient {
  return new SSMClient({
    endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: options.maxAttempts ?? 1,
  });
}
