import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTablesFromServerless, startLocalDynamo, type LocalDynamo } from '../../emulators/dynamodb.ts';
import { startLocalSsm, type LocalSsm } from '../../emulators/ssm.ts';
import { signStandardWebhook } from '../../scripts/local/demo-requests.ts';
import { startLocalSqs, type LocalSqs } from '../support/local-sqs.ts';
import { useSandbox } from '../support/sandbox.ts';
import { freePorts, killGroup, PROJECT_ROOT, sleep, waitFor } from './support/npm-start.ts';

/*
 * `serverless offline` as a new user runs it, on the default stage `dev`, with nothing of this
 * project's own set: only the endpoints of local AWS servers and CSMART's URL. Credentials and the
 * webhook secret come from (local) SSM under /csmart/dev/, the queues are created on the SQS endpoint
 * and the worker is run from them, as on AWS.
 */

const sandbox = useSandbox();
const SECRET = `whsec_${Buffer.from('offline-demo-secret-24by').toString('base64')}`;
let sqs: LocalSqs;
let ssm: LocalSsm;
let dynamo: LocalDynamo;
let offline: ChildProcess | undefined;
let output = '';
let home: string;
let origin: string;

beforeAll(async () => {
  const { domain, email, password } = sandbox.demoCredentials;
  sqs = await startLocalSqs();
  ssm = await startLocalSsm({ '/csmart/dev/domain': domain, '/csmart/dev/email': email, '/csmart/dev/password': password, '/csmart/dev/secrets/shop': SECRET });
  dynamo = await startLocalDynamo();
  await createTablesFromServerless({ stage: 'dev', endpoint: dynamo.endpoint, serviceYml: join(PROJECT_ROOT, 'serverless.yml') });
  home = mkdtempSync(join(tmpdir(), 'offline-home-'));
  const [httpPort, lambdaPort] = (await freePorts(2)) as [number, number];
  origin = `http://127.0.0.1:${httpPort}`;
  offline = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'offline', '--stage', 'dev', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort)], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '', HOME: home,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      CSMART_API_URL: sandbox.demoCredentials.endpoint,
      // Not settings of the service: a build folder of its own, so a parallel `osls package` does not empty it.
      ESBUILD_WORK_FOLDER: join('.esbuild-local', `dev-${httpPort}`),
      SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off',
    },
  });
  offline.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  offline.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  await waitFor('serverless offline to be ready', async () => (/Server ready:/.test(output) ? true : undefined), 120_000).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${output}`);
  });
}, 180_000);

afterAll(async () => {
  killGroup(offline?.pid, 'SIGINT');
  await sleep(1_000);
  killGroup(offline?.pid, 'SIGKILL');
  await Promise.all([sqs?.close(), ssm?.close(), dynamo?.close()]);
  if (home) rmSync(home, { recursive: true, force: true });
});

const accounts = (email: string) => sandbox.current.store.list('Accounts').filter((a) => a.email === email);

describe('serverless offline on stage dev, with only AWS endpoints and the CSMART URL set', { timeout: 90_000 }, () => {
  it('stores a lead on the SQS endpoint\'s queue and the worker delivers it once', async () => {
    const response = await fetch(`${origin}/leads`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ company: 'Firma Offline', email: 'offline@example.pl' }),
    });

    expect(response.status, output).toBe(202);
    await waitFor('the client in CSMART', async () => (accounts('offline@example.pl').length > 0 ? true : undefined), 60_000);
    await waitFor('the queue to be empty', async () => (sqs.queue('csmart-connect-dev-deliveries.fifo').counts().total === 0 ? true : undefined), 30_000);
    expect(accounts('offline@example.pl')).toHaveLength(1);
    expect(sqs.queue('csmart-connect-dev-deliveries.fifo').attributes).toMatchObject({ FifoQueue: 'true', VisibilityTimeout: '1800' });
  });

  it('verifies a signed webhook with the secret from SSM and delivers it once', async () => {
    const body = JSON.stringify({ type: 'lead.created', timestamp: new Date().toISOString(), data: { company: 'Sklep Offline', email: 'webhook@example.pl' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(`${origin}/webhooks/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_offline_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook(SECRET, 'msg_offline_1', timestamp, body) },
      body,
    });

    expect(response.status, output).toBe(200);
    await waitFor('the client in CSMART', async () => (accounts('webhook@example.pl').length > 0 ? true : undefined), 60_000);
    await waitFor('the queue to be empty', async () => (sqs.queue('csmart-connect-dev-deliveries.fifo').counts().total === 0 ? true : undefined), 30_000);
    expect(accounts('webhook@example.pl')).toHaveLength(1);
    expect(sqs.queue('csmart-connect-dev-deliveries-dlq.fifo').counts().total).toBe(0);
  });
});
