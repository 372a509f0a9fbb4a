import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { startLocalSqs, type LocalSqs } from '../support/local-sqs.ts';

/*
 * The lead function as Lambda runs it: bundled as serverless.yml bundles it, loaded in a fresh Node
 * process with only the environment a user sets, called with a real-looking function ARN. With
 * AWS_ENDPOINT_URL_SQS set, the lead must land on that server's queue: a URL built for amazonaws.com
 * would send it elsewhere (and, with no network here, answer 503).
 */

const run = promisify(execFile);
const QUEUE = 'csmart-connect-dev-deliveries.fifo';
let dir: string;
let bundle: string;
let sqs: LocalSqs;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'built-leads-'));
  bundle = join(dir, 'leads.cjs');
  // The options of custom.esbuild in serverless.yml.
  await build({
    entryPoints: ['functions/leads.ts'], outfile: bundle, bundle: true, minify: true, keepNames: true, sourcemap: false,
    platform: 'node', target: 'node24', format: 'cjs', mainFields: ['module', 'main'], supported: { 'dynamic-import': false }, logLevel: 'silent',
  });
  sqs = await startLocalSqs();
  sqs.createQueue(QUEUE, { FifoQueue: 'true' });
  sqs.createQueue('csmart-connect-dev-deliveries-dlq.fifo', { FifoQueue: 'true' });
}, 60_000);

afterAll(async () => {
  await sqs?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundle's handler once in a new process and prints its answer. */
async function invoke(env: Record<string, string>, event: unknown, context: unknown): Promise<{ statusCode: number; body: string }> {
  const script = `
    const { handler } = require(process.argv[1]);
    const context = JSON.parse(process.argv[3]);
    context.getRemainingTimeInMillis = () => 9000;
    handler(JSON.parse(process.argv[2]), context).then((answer) => { process.stdout.write(JSON.stringify(answer)); });`;
  const { stdout } = await run(process.execPath, ['-e', script, bundle, JSON.stringify(event), JSON.stringify(context)], { env, timeout: 30_000 });
  return JSON.parse(stdout) as { statusCode: number; body: string };
}

describe('the built lead function', () => {
  it('stores a lead on the queue of AWS_ENDPOINT_URL_SQS when invoked with a real function ARN', async () => {
    const forms = join(dir, 'forms.json');
    writeFileSync(forms, '{}');
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_MAX_ATTEMPTS: '1',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      CSMART_STAGE: 'dev', CSMART_QUEUE_NAME: QUEUE, CSMART_DLQ_NAME: 'csmart-connect-dev-deliveries-dlq.fifo', CSMART_FORMS_FILE: forms,
      POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const context = { ...lambdaContext('leads'), invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:csmart-connect-dev-leads' };

    const answer = await invoke(env, jsonPost('/leads', { company: 'Firma z Lambdy', email: 'lambda@example.com' }), context);

    expect(answer.statusCode).toBe(202);
    const { id } = JSON.parse(answer.body) as { id: string };
    const stored = sqs.queue(QUEUE).messages();
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]!.body)).toMatchObject({ id, source: 'leads' });
    // One lookup of the queue's URL, one send: nothing else was asked of any SQS.
    expect(sqs.calls.GetQueueUrl).toBe(2);
    expect(sqs.calls.SendMessage).toBe(1);
  }, 60_000);
});
