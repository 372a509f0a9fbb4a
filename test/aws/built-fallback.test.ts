import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { startLocalSqs, type LocalSqs } from '../support/local-sqs.ts';

/*
 * The built lead function's two ways to SQS. With credentials and a region in the environment (Lambda, npm start,
 * serverless offline) it uses the lean signed client, and its bundle holds no SDK client. With AWS_PROFILE the SDK
 * decides (credentials from the profile): the bundle loads the SDK by name, from the node_modules around it as
 * the runtime's SDK on AWS. Built once inside the project (node_modules reachable) and once outside it (none).
 */

const run = promisify(execFile);
const QUEUE = 'csmart-connect-dev-deliveries.fifo';
const options: BuildOptions = {
  entryPoints: ['functions/leads.ts'], bundle: true, minify: true, keepNames: true, sourcemap: false,
  platform: 'node', target: 'node24', format: 'cjs', mainFields: ['module', 'main'], supported: { 'dynamic-import': false }, logLevel: 'silent',
};
let inside: string;
let outside: string;
let files: string;
let sqs: LocalSqs;

beforeAll(async () => {
  // In the project's ignored build folder, as serverless-esbuild builds into .esbuild/.
  mkdirSync(join(process.cwd(), '.esbuild'), { recursive: true });
  inside = mkdtempSync(join(process.cwd(), '.esbuild', 'test-built-fallback-'));
  outside = mkdtempSync(join(tmpdir(), 'built-fallback-'));
  files = mkdtempSync(join(tmpdir(), 'built-fallback-files-'));
  await build({ ...options, outfile: join(inside, 'leads.cjs') });
  await build({ ...options, outfile: join(outside, 'leads.cjs') });
  writeFileSync(join(files, 'forms.json'), '{}');
  writeFileSync(join(files, 'config'), '[profile local]\nregion = eu-central-1\n');
  writeFileSync(join(files, 'credentials'), '[local]\naws_access_key_id = profile-key\naws_secret_access_key = profile-secret\n');
  sqs = await startLocalSqs();
  sqs.createQueue(QUEUE, { FifoQueue: 'true' });
  sqs.createQueue('csmart-connect-dev-deliveries-dlq.fifo', { FifoQueue: 'true' });
}, 60_000);

afterAll(async () => {
  await sqs?.close();
  for (const dir of [inside, outside, files]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function invoke(bundle: string, env: Record<string, string>): Promise<{ statusCode: number; body: string }> {
  const script = `
    const { handler } = require(process.argv[1]);
    const context = JSON.parse(process.argv[3]);
    context.getRemainingTimeInMillis = () => 9000;
    handler(JSON.parse(process.argv[2]), context).then((answer) => { process.stdout.write(JSON.stringify(answer)); });`;
  const event = jsonPost('/leads', { company: 'Firma', email: `lead-${Math.random()}@example.com` });
  const context = { ...lambdaContext('leads'), invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:csmart-connect-dev-leads' };
  const base = {
    PATH: process.env.PATH ?? '', HOME: files, AWS_MAX_ATTEMPTS: '1', AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    CSMART_STAGE: 'dev', CSMART_QUEUE_NAME: QUEUE, CSMART_DLQ_NAME: 'csmart-connect-dev-deliveries-dlq.fifo', CSMART_FORMS_FILE: join(files, 'forms.json'),
    POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const { stdout } = await run(process.execPath, ['-e', script, bundle, JSON.stringify(event), JSON.stringify(context)], { env: { ...base, ...env }, timeout: 30_000 });
  return JSON.parse(stdout) as { statusCode: number; body: string };
}

const LAMBDA_ENV = { AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
const PROFILE_ENV = { AWS_PROFILE: 'local', AWS_CONFIG_FILE: '', AWS_SHARED_CREDENTIALS_FILE: '' };

describe('the built lead function and the SDK', () => {
  it('stores a lead with the lean client wherever its bundle lies: it needs no SDK', async () => {
    for (const dir of [inside, outside]) {
      const before = sqs.queue(QUEUE).messages().length;
      expect((await invoke(join(dir, 'leads.cjs'), LAMBDA_ENV)).statusCode).toBe(202);
      expect(sqs.queue(QUEUE).messages().length - before).toBe(1);
    }
  }, 60_000);

  it('with AWS_PROFILE, loads the SDK by name and stores the lead with the profile\'s credentials', async () => {
    const env = { ...PROFILE_ENV, AWS_CONFIG_FILE: join(files, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(files, 'credentials') };
    const before = sqs.queue(QUEUE).messages().length;
    expect((await invoke(join(inside, 'leads.cjs'), env)).statusCode).toBe(202);
    expect(sqs.queue(QUEUE).messages().length - before).toBe(1);
    // Outside the project there is no SDK to load: the fallback was really taken, and answers 503 (nothing accepted).
    expect((await invoke(join(outside, 'leads.cjs'), env)).statusCode).toBe(503);
    expect(sqs.queue(QUEUE).messages().length - before).toBe(1);
  }, 60_000);
});
