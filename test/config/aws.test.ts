import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { endpointOverride } from '../../lib/config/aws.ts';
import { createS3Client } from '../../lib/config/aws/s3.ts';
import { startLocalSsm } from '../../emulators/ssm.ts';
import type { LocalSsm } from '../../emulators/ssm.ts';

type Seen = { method: string; url: string; target: string | undefined; checksumHeaders: string[] };

/** Records each request and answers with whatever the test queued for it (default: an empty JSON object). */
async function startRecorder(): Promise<{ endpoint: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({
        method: req.method ?? '', url: req.url ?? '', target: req.headers['x-amz-target'] as string | undefined,
        checksumHeaders: Object.keys(req.headers).filter((name) => /^x-amz-(sdk-)?checksum-|^x-amz-trailer$/.test(name)),
      });
      if ((req.headers['x-amz-target'] ?? '') === '') {
        // S3 speaks REST/XML.
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>acme-exports</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>');
        return;
      }
      const payload = req.headers['x-amz-target'] === 'AWSEvents.PutEvents' ? { FailedEntryCount: 0, Entries: [{ EventId: '1' }] } : {};
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('AWS clients', () => {
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let ssm: LocalSsm;

  beforeAll(async () => {
    recorder = await startRecorder();
    ssm = await startLocalSsm({ '/csmart/test/domain': 'acme' });
  });

  afterAll(async () => {
    recorder.server.closeAllConnections();
    await new Promise((resolve) => recorder.server.close(resolve));
    await ssm.close();
  });

  beforeEach(() => {
    recorder.seen.length = 0;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);
    vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', undefined);
    for (const service of ['SSM', 'SQS', 'S3', 'DYNAMODB', 'EVENTBRIDGE']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, undefined);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('sends SSM requests to AWS_ENDPOINT_URL_SSM', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', ssm.endpoint);

    const answer = await new SSMClient({}).send(new GetParametersCommand({ Names: ['/csmart/test/domain'], WithDecryption: true }));

    expect(answer.Parameters?.[0]?.Value).toBe('acme');
    expect(ssm.calls.GetParameters).toBe(1);
  });

  it('sends requests to AWS_ENDPOINT_URL when no service-specific variable is set', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', recorder.endpoint);

    await new SQSClient({}).send(new ListQueuesCommand({}));

    expect(recorder.seen.map((request) => request.target)).toEqual(['AmazonSQS.ListQueues']);
  });

  it('sends SQS requests to AWS_ENDPOINT_URL_SQS', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', recorder.endpoint);

    await new SQSClient({}).send(new ListQueuesCommand({}));

    expect(recorder.seen.map((request) => request.target)).toEqual(['AmazonSQS.ListQueues']);
  });

  it('sends DynamoDB requests to AWS_ENDPOINT_URL_DYNAMODB', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', recorder.endpoint);

    await new DynamoDBClient({}).send(new ListTablesCommand({}));

    expect(recorder.seen.map((request) => request.target)).toEqual(['DynamoDB_20120810.ListTables']);
  });

  it('sends EventBridge requests to AWS_ENDPOINT_URL_EVENTBRIDGE', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', recorder.endpoint);

    await new EventBridgeClient({}).send(new PutEventsCommand({ Entries: [{ Source: 'csmart', DetailType: 'test', Detail: '{}' }] }));

    expect(recorder.seen.map((request) => request.target)).toEqual(['AWSEvents.PutEvents']);
  });

  it('sends S3 requests to AWS_ENDPOINT_URL_S3, addressing the bucket path-style', async () => {
    // A host name, not an IP: for IP endpoints the SDK falls back to path-style by itself.
    vi.stubEnv('AWS_ENDPOINT_URL_S3', recorder.endpoint.replace('127.0.0.1', 'localhost'));

    await createS3Client(process.env).send(new ListObjectsV2Command({ Bucket: 'acme-exports' }));

    expect(recorder.seen).toHaveLength(1);
    expect(recorder.seen[0]?.url).toMatch(/^\/acme-exports\/?\?/);
  });

  it('sends an S3-compatible endpoint uploads without the CRC32 headers such stores refuse, unless the operator asks for them', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', recorder.endpoint);
    const put = new PutObjectCommand({ Bucket: 'acme-exports', Key: 'index.bin', Body: Buffer.from('index') });

    await createS3Client(process.env).send(put);
    vi.stubEnv('AWS_REQUEST_CHECKSUM_CALCULATION', 'WHEN_SUPPORTED');
    await createS3Client(process.env).send(put);

    expect(recorder.seen.map((request) => request.checksumHeaders.length > 0)).toEqual([false, true]);
  });

  it('keeps the SDK\'s checksums on AWS S3 itself', async () => {
    expect(await createS3Client(process.env).config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
  });

  it('keeps virtual-hosted S3 addressing when no endpoint is overridden', () => {
    expect(createS3Client(process.env).config.forcePathStyle).toBe(false);
  });

  it('sees no override when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', () => {
    const env = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };

    expect(endpointOverride('S3', env)).toBeUndefined();
    expect(endpointOverride('S3', { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000');
  });

  // SSM (every function) and SQS (leads, webhooks) go through the lean signed client (lib/aws); the SDK
  // that serves their fallback is loaded by name at run time, not bundled (lib/aws/sdk-fallback.ts).
  it.each([
    ['leads', []],
    ['webhooks', []],
    ['worker', ['client-sqs', 'client-dynamodb']],
    ['export', ['client-s3', 'client-eventbridge']],
  ])('bundles into the %s function only the SDK clients its setup builds', async (fn, clients: string[]) => {
    const result = await build({
      entryPoints: [`functions/${fn}.ts`],
      bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', mainFields: ['module', 'main'], logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs);
    for (const client of ['client-ssm', 'client-s3', 'client-sqs', 'client-dynamodb', 'client-eventbridge']) {
      expect(inputs.some((path) => path.includes(`@aws-sdk/${client}/`)), client).toBe(clients.includes(client));
    }
  });
});
