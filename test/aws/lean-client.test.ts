import { GetQueueUrlCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { leanAwsFrom, type LeanAws } from '../../lib/aws/aws-environment.ts';
import { leanSqs } from '../../lib/aws/lean-sqs.ts';
import { leanSsm } from '../../lib/aws/lean-ssm.ts';
import { createConfigSources } from '../../lib/config/config-sources.ts';
import { ParameterStoreUnavailableError } from '../../lib/config/errors.ts';
import { readSettings } from '../../lib/config/settings.ts';
import { IntakeQueueUnavailableError } from '../../lib/intake/errors.ts';
import { createJobQueue } from '../../lib/intake/job-queue.ts';
import { startLocalSsm, type LocalSsm } from '../../emulators/ssm.ts';
import { task } from '../delivery/support/jobs.ts';
import { startLocalSqs, type LocalSqs } from '../support/local-sqs.ts';
import { verifySigV4, type ReceivedRequest } from '../support/sigv4.ts';

/*
 * The lean signed client (lib/aws) against the project's local SQS and SSM servers over loopback, and against
 * a recording server where the test needs to see the bytes: signatures checked from the published algorithm,
 * retries (throttling and 5xx retried, 4xx not), the SDK's destinations and checks, the domain errors above it.
 */

const home = mkdtempSync(join(tmpdir(), 'lean-client-home-'));
const ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:csmart-connect-test-leads';
const QUEUE = 'csmart-connect-test-deliveries.fifo';
let sqs: LocalSqs;
let ssm: LocalSsm;
let queueUrl: string;

type Recorder = { endpoint: string; seen: ReceivedRequest[]; answer: (request: ReceivedRequest, res: ServerResponse) => void; close(): Promise<void> };

/** A server that keeps every request's raw bytes and answers as the test says (default: `{}`). */
async function startRecorder(): Promise<Recorder> {
  const recorder: Recorder = {
    endpoint: '', seen: [], answer: (_, res) => json(res, 200, {}),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      recorder.seen.push(request);
      recorder.answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  recorder.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return recorder;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const headerOf = (request: ReceivedRequest, name: string) => request.rawHeaders[request.rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name) + 1];

async function leanEnv(extra: Record<string, string> = {}): Promise<LeanAws> {
  const aws = await leanAwsFrom({
    HOME: home, AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'AKIDLEAN', AWS_SECRET_ACCESS_KEY: 'lean-secret',
    AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ENDPOINT_URL_SSM: ssm.endpoint, ...extra,
  });
  if ('sdk' in aws) throw new Error(aws.sdk);
  return aws;
}

/** Waits recorded instead of slept, so retry tests take no time. */
function noWaits() {
  const waits: number[] = [];
  return { waits, options: { sleep: async (ms: number) => { waits.push(ms); }, random: () => 0.5 } };
}

beforeAll(async () => {
  sqs = await startLocalSqs();
  queueUrl = sqs.createQueue(QUEUE, { FifoQueue: 'true' });
  sqs.createQueue('csmart-connect-test-deliveries-dlq.fifo', { FifoQueue: 'true' });
  ssm = await startLocalSsm(Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`/csmart/test/forms/form-${String(i).padStart(2, '0')}`, `{"n":${i}}`])));
});

afterAll(async () => {
  await Promise.all([sqs.close(), ssm.close()]);
  rmSync(home, { recursive: true, force: true });
});

afterEach(() => {
  ssm.failAll(false);
  ssm.failNext(0);
  sqs.failSends(false);
  vi.unstubAllEnvs();
});

describe('the lean signed client against the local SSM and SQS servers', () => {
  it('lists a folder page by page and reads parameters, decrypted, from the local SSM server', async () => {
    const client = leanSsm(await leanEnv());
    const first = await client.getParametersByPath({ Path: '/csmart/test/forms', Recursive: false, WithDecryption: true, MaxResults: 10 });
    expect(first.Parameters).toHaveLength(10);
    expect(first.NextToken).toBeTruthy();
    const second = await client.getParametersByPath({ Path: '/csmart/test/forms', Recursive: false, WithDecryption: true, MaxResults: 10, NextToken: first.NextToken });
    expect(second.Parameters?.map((p) => p.Name)).toEqual(['/csmart/test/forms/form-10', '/csmart/test/forms/form-11', '/csmart/test/forms/form-12']);
    const read = await client.getParameters({ Names: ['/csmart/test/forms/form-03', '/csmart/test/nope'], WithDecryption: true });
    expect(read.Parameters?.map((p) => [p.Name, p.Value])).toEqual([['/csmart/test/forms/form-03', '{"n":3}']]);
    expect(read.InvalidParameters).toEqual(['/csmart/test/nope']);
  });

  it('finds a queue URL and stores a message on the local FIFO queue', async () => {
    const client = leanSqs(await leanEnv());
    expect((await client.getQueueUrl({ QueueName: QUEUE })).QueueUrl).toBe(queueUrl);
    const before = sqs.queue(QUEUE).messages().length;
    const sent = await client.sendMessage({ QueueUrl: queueUrl, MessageBody: '{"lead":"ż"}', MessageGroupId: 'g', MessageDeduplicationId: `d-${Date.now()}` });
    expect(sent.MessageId).toBeTruthy();
    expect(sqs.queue(QUEUE).messages().slice(before).map((m) => m.body)).toEqual(['{"lead":"ż"}']);
  });

  it('retries throttling with the throttling backoff, then answers', async () => {
    const { waits, options } = noWaits();
    const client = leanSsm(await leanEnv(), options);
    const before = ssm.calls.GetParameters;
    ssm.failNext(2, 'throttling');
    const read = await client.getParameters({ Names: ['/csmart/test/forms/form-01'], WithDecryption: true });
    expect(read.Parameters?.[0]?.Value).toBe('{"n":1}');
    expect(ssm.calls.GetParameters - before).toBe(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('retries a 500 three attempts in all, then fails with the service error and its HTTP facts', async () => {
    const { waits, options } = noWaits();
    const client = leanSsm(await leanEnv(), options);
    const before = ssm.calls.GetParameters;
    ssm.failAll(true);
    const failure = await client.getParameters({ Names: ['/csmart/test/forms/form-01'], WithDecryption: true }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 3 } });
    expect(ssm.calls.GetParameters - before).toBe(3);
    expect(waits).toEqual([25, 50]);
  });

  it('does not retry a 400 that is not throttling', async () => {
    const { waits, options } = noWaits();
    const client = leanSsm(await leanEnv(), options);
    const before = ssm.calls.GetParameters;
    const names = Array.from({ length: 11 }, (_, i) => `/csmart/test/x${i}`);
    await expect(client.getParameters({ Names: names, WithDecryption: true })).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(ssm.calls.GetParameters - before).toBe(1);
    expect(waits).toEqual([]);
  });

  it('honours AWS_MAX_ATTEMPTS=1 as the SDK does: no retry', async () => {
    const client = leanSsm(await leanEnv({ AWS_MAX_ATTEMPTS: '1' }), noWaits().options);
    const before = ssm.calls.GetParameters;
    ssm.failNext(1, 'throttling');
    await expect(client.getParameters({ Names: ['/csmart/test/forms/form-01'] })).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(ssm.calls.GetParameters - before).toBe(1);
  });

  it('retries a send the queue answered with a 500, and the message is stored once', async () => {
    const client = leanSqs(await leanEnv(), noWaits().options);
    const before = sqs.queue(QUEUE).messages().length;
    const sends = sqs.calls.SendMessage;
    sqs.failSends(1);
    await client.sendMessage({ QueueUrl: queueUrl, MessageBody: 'once', MessageGroupId: 'g', MessageDeduplicationId: `once-${Date.now()}` });
    expect(sqs.calls.SendMessage - sends).toBe(2);
    expect(sqs.queue(QUEUE).messages().length - before).toBe(1);
  });

  it('retries a connection the server dropped', async () => {
    const recorder = await startRecorder();
    try {
      recorder.answer = (request, res) => {
        if (recorder.seen.length === 1) return void res.socket?.destroy();
        const body = JSON.parse(request.body.toString()) as { MessageBody: string };
        json(res, 200, { MessageId: 'm-1', MD5OfMessageBody: md5(body.MessageBody) });
      };
      const client = leanSqs(await leanEnv(), noWaits().options);
      await client.sendMessage({ QueueUrl: `${recorder.endpoint}/000000000000/q.fifo`, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
      expect(recorder.seen).toHaveLength(2);
    } finally {
      await recorder.close();
    }
  });
});

describe('the lean client requests, byte for byte', () => {
  let recorder: Recorder;
  beforeAll(async () => {
    recorder = await startRecorder();
  });
  afterAll(() => recorder.close());
  afterEach(() => {
    recorder.seen.length = 0;
    recorder.answer = (_, res) => json(res, 200, {});
  });

  it('signs each request with SigV4 as AWS checks it: scope, session token, target and body included', async () => {
    const client = leanSsm(await leanEnv({ AWS_ENDPOINT_URL_SSM: recorder.endpoint, AWS_SESSION_TOKEN: 'session-token' }));
    await client.getParameters({ Names: ['/csmart/test/a'], WithDecryption: true });
    const [request] = recorder.seen as [ReceivedRequest];

    const signed = verifySigV4(request, 'lean-secret');
    expect(signed.accessKeyId).toBe('AKIDLEAN');
    expect(signed.scope).toMatch(/^\d{8}\/eu-central-1\/ssm\/aws4_request$/);
    expect(signed.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target', 'content-type', 'content-length']));
    expect(headerOf(request, 'x-amz-security-token')).toBe('session-token');
    expect(headerOf(request, 'x-amz-target')).toBe('AmazonSSM.GetParameters');
    expect(headerOf(request, 'content-type')).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(request.body.toString())).toEqual({ Names: ['/csmart/test/a'], WithDecryption: true });
    // The check is real: another body, another secret or another time does not pass.
    expect(() => verifySigV4({ ...request, body: Buffer.from('{"Names":["/csmart/test/b"],"WithDecryption":true}') }, 'lean-secret')).toThrow(/signature|hash of the body/);
    expect(() => verifySigV4(request, 'other-secret')).toThrow(/signature/);
    const later = request.rawHeaders.map((value, i) => (i % 2 === 1 && request.rawHeaders[i - 1]?.toLowerCase() === 'x-amz-date' ? value.replace(/\d\dZ$/, '59Z') : value));
    expect(() => verifySigV4({ ...request, rawHeaders: later }, 'lean-secret')).toThrow(/signature/);
  });

  it('signs SQS requests for sqs in the region, to the queue URL\'s host', async () => {
    recorder.answer = (request, res) => json(res, 200, { MessageId: 'm', MD5OfMessageBody: md5((JSON.parse(request.body.toString()) as { MessageBody: string }).MessageBody) });
    const client = leanSqs(await leanEnv());
    await client.sendMessage({ QueueUrl: `${recorder.endpoint}/000000000000/${QUEUE}`, MessageBody: 'ą', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    const [request] = recorder.seen as [ReceivedRequest];
    expect(verifySigV4(request, 'lean-secret').scope).toMatch(/\/eu-central-1\/sqs\/aws4_request$/);
    expect(headerOf(request, 'x-amz-target')).toBe('AmazonSQS.SendMessage');
    expect(headerOf(request, 'content-type')).toBe('application/x-amz-json-1.0');
  });

  it('fails on an answer that is not JSON without quoting it (an SSM answer holds decrypted values), and does not retry it', async () => {
    recorder.answer = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      // A proxy that mangled the quotes: JSON.parse's own message would quote the text around the fault.
      res.end('{"Parameters":[{"Name":"/csmart/test/password","Value":hunter2-secret}]}');
    };
    const failure = await leanSsm(await leanEnv({ AWS_ENDPOINT_URL_SSM: recorder.endpoint })).getParameters({ Names: ['/csmart/test/password'], WithDecryption: true })
      .then(() => new Error('answered'), (error: unknown) => error as Error);
    expect(failure).toMatchObject({ name: 'DeserializationError' });
    expect(`${failure.message} ${failure.stack}`).not.toContain('hunter2');
    expect(recorder.seen).toHaveLength(1);
  });

  it('refuses a SendMessage answer whose MD5 of the body differs, as the SDK does', async () => {
    recorder.answer = (_, res) => json(res, 200, { MessageId: 'm', MD5OfMessageBody: md5('something else') });
    const input = { QueueUrl: `${recorder.endpoint}/000000000000/${QUEUE}`, MessageBody: 'lead', MessageGroupId: 'g', MessageDeduplicationId: 'd' };
    await expect(leanSqs(await leanEnv()).sendMessage(input)).rejects.toThrow('InvalidChecksumError');
    const sdk = new SQSClient({ endpoint: recorder.endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    await expect(sdk.send(new SendMessageCommand(input))).rejects.toThrow('InvalidChecksumError');
  });

  it('sends where the SDK sends: a message to its queue URL\'s host, GetQueueUrl and SSM to the configured endpoint and path', async () => {
    const other = await startRecorder();
    try {
      const answer = (request: ReceivedRequest, res: ServerResponse) => {
        const body = JSON.parse(request.body.toString()) as { MessageBody?: string };
        json(res, 200, body.MessageBody === undefined ? { QueueUrl: 'http://x/1/q', Parameters: [] } : { MessageId: 'm', MD5OfMessageBody: md5(body.MessageBody) });
      };
      recorder.answer = answer;
      other.answer = answer;
      const env = { AWS_ENDPOINT_URL_SQS: recorder.endpoint, AWS_ENDPOINT_URL: `${recorder.endpoint}/base` };
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      vi.stubEnv('AWS_ENDPOINT_URL_SSM', undefined);
      vi.stubEnv('AWS_PROFILE', undefined);
      const credentials = { accessKeyId: 'AKIDLEAN', secretAccessKey: 'lean-secret' };
      const sdkSqsClient = new SQSClient({ region: 'eu-central-1', credentials, maxAttempts: 1 });
      const sdkSsmClient = new SSMClient({ region: 'eu-central-1', credentials, maxAttempts: 1 });
      const lean = await leanEnv({ ...env, AWS_ENDPOINT_URL_SSM: '' });
      const message = { QueueUrl: `${other.endpoint}/000000000000/${QUEUE}`, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' };
      const where = async (work: () => Promise<unknown>) => {
        const counts = [recorder.seen.length, other.seen.length];
        await work();
        const server = recorder.seen.length > counts[0]! ? recorder : other;
        const request = server.seen.at(-1)!;
        return `${server === recorder ? 'endpoint' : 'queue host'} ${request.path} ${headerOf(request, 'host')?.replace(/:\d+$/, '')}`;
      };
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      expect(await where(() => leanSqs(lean).sendMessage(message))).toBe(await where(() => sdkSqsClient.send(new SendMessageCommand(message))));
      warn.mockRestore();
      expect(await where(() => leanSqs(lean).sendMessage(message))).toMatch(/^queue host \/ /);
      expect(await where(() => leanSqs(lean).getQueueUrl({ QueueName: QUEUE }))).toBe(await where(() => sdkSqsClient.send(new GetQueueUrlCommand({ QueueName: QUEUE }))));
      expect(await where(() => leanSsm(lean).getParameters({ Names: ['/a'] }))).toBe(await where(() => sdkSsmClient.send(new GetParametersCommand({ Names: ['/a'] }))));
      expect(await where(() => leanSsm(lean).getParameters({ Names: ['/a'] }))).toBe('endpoint /base/ 127.0.0.1');
    } finally {
      await other.close();
    }
  });
});

describe('the domain errors above the lean client', () => {
  it('a queue that does not take the job is IntakeQueueUnavailableError (answered 503), after the retries', async () => {
    const settings = readSettings({ CSMART_STAGE: 'test', CSMART_QUEUE_NAME: QUEUE, CSMART_DLQ_NAME: 'csmart-connect-test-deliveries-dlq.fifo' });
    const client = leanSqs(await leanEnv(), noWaits().options);
    const queue = createJobQueue(() => client, settings);
    const sends = sqs.calls.SendMessage;
    sqs.failSends(true);
    await expect(queue.send(task('lean-1', { name: 'Telefon' }), ARN)).rejects.toBeInstanceOf(IntakeQueueUnavailableError);
    expect(sqs.calls.SendMessage - sends).toBe(3);
    sqs.failSends(false);
    // The endpoint is configured: the URL came from GetQueueUrl, not built for amazonaws.com from the ARN.
    await queue.send(task('lean-2', { name: 'Telefon' }), ARN);
    expect(sqs.queue(QUEUE).messages().some((m) => m.body.includes('lean-2'))).toBe(true);
  });

  it('SSM that does not answer is ParameterStoreUnavailableError for a name never read before', async () => {
    const client = leanSsm(await leanEnv(), noWaits().options);
    const config = createConfigSources({ CSMART_STAGE: 'test', CSMART_SSM_PREFIX: '/csmart/test/' }, { ssm: () => client });
    expect((await config.read(['forms/form-02'])).get('forms/form-02')).toBe('{"n":2}');
    ssm.failAll('throttling');
    await expect(config.read(['forms/form-05'])).rejects.toBeInstanceOf(ParameterStoreUnavailableError);
    expect(await config.listing('forms')).toBeUndefined();
  });
});
