import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { bundle, scratchModule } from './measure.ts';

/**
 * The AWS SDK clients each function's bundle is measured against. SSM (every function) and SQS (leads, webhooks)
 * go through the lean signed client (lib/aws), so the worker and export are measured against the clients they
 * still bundle, and leads and webhooks against the two clients the lean one replaces.
 */
export const FUNCTION_SDK = {
  leads: ['sqs', 'ssm'],
  webhooks: ['sqs', 'ssm'],
  worker: ['sqs', 'dynamodb'],
  export: ['s3', 'lib-storage', 'eventbridge'],
} as const;
export type FunctionName = keyof typeof FUNCTION_SDK;
export type SdkPart = (typeof FUNCTION_SDK)[FunctionName][number];

export const SDK_LABELS: Record<SdkPart, string> = {
  sqs: 'SQS', ssm: 'SSM', dynamodb: 'DynamoDB', s3: 'S3', 'lib-storage': 'lib-storage', eventbridge: 'EventBridge',
};

// Each client is constructed at module scope (as lib/config/aws/* does on first use), so tree-shaking
// keeps the client with its whole middleware stack, credential chain and endpoint rules.
const SDK_SOURCE: Record<SdkPart, { imports: string; value: string }> = {
  sqs: { imports: "import { SQSClient } from '@aws-sdk/client-sqs';", value: 'new SQSClient({})' },
  ssm: { imports: "import { SSMClient } from '@aws-sdk/client-ssm';", value: 'new SSMClient({})' },
  dynamodb: { imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", value: 'new DynamoDBClient({})' },
  s3: { imports: "import { S3Client } from '@aws-sdk/client-s3';", value: 'new S3Client({})' },
  // Upload needs its parameters; referencing the class keeps it in the bundle.
  'lib-storage': { imports: "import { Upload } from '@aws-sdk/lib-storage';", value: 'Upload' },
  eventbridge: { imports: "import { EventBridgeClient } from '@aws-sdk/client-eventbridge';", value: 'new EventBridgeClient({})' },
};

/** Where the SDK comes from: (a) inside the bundle, (b) the Lambda runtime's copy (`external`). */
export const VARIANTS = {
  bundled: { label: '(a) SDK bundled', external: [] as string[] },
  runtime: { label: '(b) SDK from the runtime', external: ['@aws-sdk/*', '@smithy/*'] },
} as const;
export type Variant = keyof typeof VARIANTS;

export type BuiltBundle = { file: string; bytes: number };

/**
 * Bundles entries as serverless.yml does (measure.ts `bundle()`) and keeps the output in one scratch folder inside the project,
 * so that a bundle with the SDK left external finds it in node_modules, as it would in the runtime.
 */
export class BundleFolder {
  readonly #dir = mkdtempSync(join(process.cwd(), 'bench/.scratch-bundles-'));
  readonly #scratch: string[] = [];

  async build(name: string, entry: string, variant: Variant, options: { dynamicImport?: boolean } = {}): Promise<BuiltBundle> {
    const built = await bundle(entry, { external: [...VARIANTS[variant].external], ...options });
    const file = join(this.#dir, `${name}.${variant}${extname(built.file)}`);
    copyFileSync(built.file, file);
    rmSync(dirname(built.file), { recursive: true, force: true });
    return { file, bytes: built.bytes };
  }

  /**
   * A file of another commit, with the whole tree around it, extracted inside the project (so its imports find
   * node_modules): to bundle the code as it was before a change, side by side in one run.
   */
  checkout(ref: string, entry: string): string {
    const dir = mkdtempSync(join(process.cwd(), 'bench/.scratch-checkout-'));
    this.#scratch.push(dir);
    execFileSync('sh', ['-c', 'git archive "$1" functions lib | tar -x -C "$2"', 'sh', ref, dir]);
    return join(dir, entry);
  }

  /** An entry that only constructs the given SDK clients, as the baseline of a function's bundle. */
  sdkOnlyEntry(parts: readonly SdkPart[]): string {
    const sources = parts.map((part) => SDK_SOURCE[part]);
    const file = scratchModule(`${sources.map((s) => s.imports).join('\n')}
const sdk = [${sources.map((s) => s.value).join(', ')}];
export const handler = async () => sdk.length;
`);
    this.#scratch.push(dirname(file));
    return file;
  }

  /**
   * An entry that does only the accept path's two AWS calls with the SDK clients (the form listing from SSM,
   * one SendMessage), the floor of a cold start that keeps the SDK on the hot path.
   */
  sdkCallsEntry(ssmPath: string, clientOptions = '{}'): string {
    const file = scratchModule(`import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const ssm = new SSMClient(${clientOptions});
const sqs = new SQSClient(${clientOptions});
export const handler = async (event: { body?: string }) => {
  const listing = await ssm.send(new GetParametersByPathCommand({ Path: ${JSON.stringify(ssmPath)}, Recursive: false, WithDecryption: true, MaxResults: 10 }));
  if (!listing.Parameters?.length) throw new Error('no form listed');
  const id = String(process.pid) + '-' + Date.now();
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.CSMART_QUEUE_URL, MessageBody: event.body ?? id, MessageGroupId: id, MessageDeduplicationId: id }));
  return { statusCode: 202 };
};
`);
    this.#scratch.push(dirname(file));
    return file;
  }

  /**
   * The same two calls as `sdkCallsEntry`, each one signed request (SigV4 from `@smithy/signature-v4`, the services' JSON
   * protocol, credentials from the environment as Lambda gives them), sent with node:http or with `fetch`: what a lean
   * hot path costs at the least, and which transport costs less.
   */
  leanCallsEntry(ssmPath: string, transport: 'http' | 'fetch' = 'http'): string {
    const send = transport === 'http'
      ? `new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path: '/', method: 'POST', headers: signed.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  })`
      : `fetch(url, { method: 'POST', headers: signed.headers, body: payload }).then(async (res) => ({ status: res.status, text: await res.text() }))`;
    const file = scratchModule(`import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
${transport === 'http' ? "import { request } from 'node:http';" : ''}
class Sha256 {
  #hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array) { this.#hash = secret ? createHmac('sha256', secret) : createHash('sha256'); }
  update(data: string | Uint8Array) { this.#hash.update(data); }
  async digest() { return new Uint8Array(this.#hash.digest()); }
  reset() {}
}
const region = process.env.AWS_REGION!;
const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!, sessionToken: process.env.AWS_SESSION_TOKEN };
async function call(service: string, endpoint: string, target: string, version: string, body: unknown): Promise<any> {
  const url = new URL(endpoint);
  const payload = JSON.stringify(body);
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port) || undefined, path: '/',
    headers: { host: url.host, 'content-type': 'application/x-amz-json-' + version, 'x-amz-target': target }, body: payload } as any);
  const { status, text } = (await ${send}) as { status: number; text: string };
  if (status >= 300) throw new Error(target + ' ' + status + ' ' + text.slice(0, 200));
  return JSON.parse(text);
}
export const handler = async (event: { body?: string }) => {
  const listing = await call('ssm', process.env.AWS_ENDPOINT_URL_SSM!, 'AmazonSSM.GetParametersByPath', '1.1', { Path: ${JSON.stringify(ssmPath)}, Recursive: false, WithDecryption: true, MaxResults: 10 });
  if (!listing.Parameters?.length) throw new Error('no form listed');
  const id = String(process.pid) + '-' + Date.now();
  await call('sqs', process.env.AWS_ENDPOINT_URL_SQS!, 'AmazonSQS.SendMessage', '1.0', { QueueUrl: process.env.CSMART_QUEUE_URL, MessageBody: event.body ?? id, MessageGroupId: id, MessageDeduplicationId: id });
  return { statusCode: 202 };
};
`);
    this.#scratch.push(dirname(file));
    return file;
  }

  emptyEntry(): string {
    const file = scratchModule('export const handler = async () => ({});');
    this.#scratch.push(dirname(file));
    return file;
  }

  remove(): void {
    for (const dir of [this.#dir, ...this.#scratch]) rmSync(dir, { recursive: true, force: true });
  }
}
