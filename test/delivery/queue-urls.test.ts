import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readSettings } from '../../lib/config/settings.ts';
import { createQueueUrlResolver, isLambdaArn } from '../../lib/intake/queue-urls.ts';
import { startLocalSqs, type LocalSqs } from '../support/local-sqs.ts';
import { sdkSqs } from '../../lib/aws/sdk-sqs.ts';

const QUEUE = 'csmart-connect-dev-deliveries.fifo';
const DLQ = 'csmart-connect-dev-deliveries-dlq.fifo';
const LAMBDA_ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:csmart-connect-dev-leads';
const OFFLINE_ARN = 'offline_invokedFunctionArn_for_leads';
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SQS', 'AWS_CONFIG_FILE', 'AWS_PROFILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];

let sqs: LocalSqs;
let dir: string;
const saved = { ...process.env };
const clients: SQSClient[] = [];

beforeAll(async () => {
  sqs = await startLocalSqs();
  sqs.createQueue(QUEUE, { FifoQueue: 'true' });
  sqs.createQueue(DLQ, { FifoQueue: 'true' });
  dir = mkdtempSync(join(tmpdir(), 'queue-urls-'));
});
afterAll(async () => {
  await sqs.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const name of ENDPOINT_VARIABLES) delete process.env[name];
  Object.assign(process.env, { AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  sqs.calls.GetQueueUrl = 0;
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  process.env = { ...saved };
});

/** A resolver as the functions build it: the SDK's default client, settings from serverless.yml's names. */
function resolver(extra: Record<string, string> = {}) {
  const client = new SQSClient({});
  clients.push(client);
  return createQueueUrlResolver(sdkSqs(client), readSettings({ CSMART_QUEUE_NAME: QUEUE, CSMART_DLQ_NAME: DLQ, ...extra }));
}

describe('queue URLs', () => {
  it('on AWS, with no endpoint configured, are built from the function ARN without a call', async () => {
    const urls = await resolver()(LAMBDA_ARN);

    expect(urls).toEqual({
      queueUrl: `https://sqs.eu-central-1.amazonaws.com/123456789012/${QUEUE}`,
      dlqUrl: `https://sqs.eu-central-1.amazonaws.com/123456789012/${DLQ}`,
    });
    expect(sqs.calls.GetQueueUrl).toBe(0);
  });

  it.each([
    ['AWS_ENDPOINT_URL_SQS', () => ({ AWS_ENDPOINT_URL_SQS: sqs.endpoint })],
    ['AWS_ENDPOINT_URL', () => ({ AWS_ENDPOINT_URL: sqs.endpoint })],
    ['a profile\'s endpoint_url', () => {
      const file = join(dir, 'config');
      writeFileSync(file, `[profile local]\nregion = eu-central-1\naws_access_key_id = test\naws_secret_access_key = test\nendpoint_url = ${sqs.endpoint}\n`);
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      return { AWS_CONFIG_FILE: file, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_PROFILE: 'local' };
    }],
  ])('with %s set, are the queue server\'s own URLs, asked once per process', async (_case, env) => {
    Object.assign(process.env, env());
    const resolve = resolver();

    const first = await resolve(LAMBDA_ARN);
    const second = await resolve(LAMBDA_ARN);

    expect(first).toEqual({ queueUrl: `${sqs.endpoint}/000000000000/${QUEUE}`, dlqUrl: `${sqs.endpoint}/000000000000/${DLQ}` });
    expect(second).toEqual(first);
    expect(sqs.calls.GetQueueUrl).toBe(2);
  });

  it('under serverless offline (a made-up ARN), are asked from the configured endpoint', async () => {
    process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;

    const urls = await resolver()(OFFLINE_ARN);

    expect(urls.queueUrl).toBe(`${sqs.endpoint}/000000000000/${QUEUE}`);
    expect(isLambdaArn(OFFLINE_ARN)).toBe(false);
    expect(isLambdaArn(LAMBDA_ARN)).toBe(true);
  });

  it('ignores configured endpoints when the SDK is told to (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)', async () => {
    Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' });

    const urls = await resolver()(LAMBDA_ARN);

    expect(urls.queueUrl).toBe(`https://sqs.eu-central-1.amazonaws.com/123456789012/${QUEUE}`);
    expect(sqs.calls.GetQueueUrl).toBe(0);
  });

  it('uses configured URLs as they are, without a call', async () => {
    process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;

    const urls = await resolver({ CSMART_QUEUE_URL: 'http://127.0.0.1:1/q.fifo', CSMART_DLQ_URL: 'http://127.0.0.1:1/d.fifo' })(OFFLINE_ARN);

    expect(urls).toEqual({ queueUrl: 'http://127.0.0.1:1/q.fifo', dlqUrl: 'http://127.0.0.1:1/d.fifo' });
    expect(sqs.calls.GetQueueUrl).toBe(0);
  });

  it('asks again after a failed lookup instead of remembering the failure', async () => {
    process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;
    const resolve = createQueueUrlResolver(sdkSqs(new SQSClient({ maxAttempts: 1 })), readSettings({ CSMART_QUEUE_NAME: 'not-yet.fifo', CSMART_DLQ_NAME: DLQ }));

    const failed = await resolve(OFFLINE_ARN).catch((error: unknown) => error);
    sqs.createQueue('not-yet.fifo', { FifoQueue: 'true' });
    const found = await resolve(OFFLINE_ARN);

    expect(failed).toMatchObject({ name: 'QueueDoesNotExist' });
    expect(found.queueUrl).toBe(`${sqs.endpoint}/000000000000/not-yet.fifo`);
  });
});
