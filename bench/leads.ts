/**
 * bench/leads — the lead path end to end on loopback (run with `npm run bench -- leads`): CPU of the
 * accept path, CSMART calls per 1,000 leads through the worker, SSM calls per cold and warm start,
 * each function's bundle size and import time, and the accept path from a fresh process. Prints ratios and counts, never asserts: machines are noisy.
 */
import { DeleteMessageCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { spawn } from 'node:child_process';
import { once as onceEvent } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTablesFromServerless, startLocalDynamo } from '../emulators/dynamodb.ts';
import { LOCAL_SQS_REGION } from '../emulators/sqs/index.ts';
import { DEMO_USER } from '../sandbox/server.ts';
import { lambdaContext } from '../emulators/lambda/context.ts';
import { sqsEvent, sqsRecord } from '../emulators/lambda/sqs-events.ts';
import { startLocalSsm, type LocalSsm } from '../emulators/ssm.ts';
import { startBenchChild, type ChildMessage } from './support/child.ts';
import { BundleFolder, FUNCTION_SDK, SDK_LABELS, VARIANTS, type BuiltBundle, type FunctionName, type Variant } from './support/function-bundles.ts';
import { handlerEnv } from './support/handler-env.ts';
import { BENCH_SSM_PREFIX, formLeadEvent, jsonLeadEvent, LEAD_FORM_PARAMETERS, leadFields } from './support/lead-events.ts';
import type { AcceptCpuResult } from './support/leads-accept-cpu.ts';
import { startSqsProcess, type SqsProcess } from './support/local-sqs-process.ts';
import { importTimes, kb, median, ratio, scratchModule } from './support/measure.ts';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox-process.ts';

/** The worker's timeout as deployed (serverless.yml), in milliseconds. */
const WORKER_TIMEOUT_MS = Number(/\n  worker:\n(?:    .*\n)*?    timeout:\s*(\d+)/.exec(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8'))?.[1]) * 1000;

// Each part uses its own people, so no lead repeats a body another part sent within SQS's 5-minute dedupe window.
const PEOPLE = { accept: 0, worker: 10_000, coldStart: 20_000 } as const;

const sandbox = await startSandboxProcess();
const sqs = await startSqsProcess();
const ssm = await startLocalSsm(LEAD_FORM_PARAMETERS);
const dynamo = await startLocalDynamo();
const bundles = new BundleFolder();
const queueClient = new SQSClient({ endpoint: sqs.endpoint, region: LOCAL_SQS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** What the leads function needs in every part: the queue and the form settings in SSM. */
const leadsEnv = (extra: Record<string, string> = {}) => handlerEnv({
  AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ENDPOINT_URL_SSM: ssm.endpoint, CSMART_QUEUE_URL: sqs.queueUrl, CSMART_DLQ_URL: sqs.dlqUrl, ...extra,
});

try {
  // BENCH_COLD_ONLY=1 runs part 5 alone (it takes seconds; the others take minutes).
  if (!process.env.BENCH_COLD_ONLY) {
    await acceptPathCpu();
    await csmartCallsPerThousandLeads();
    await ssmCallsPerStart();
    await bundleSizesAndImportTimes();
  }
  await coldAcceptPath();
} finally {
  bundles.remove();
  queueClient.destroy();
  await Promise.allSettled([sandbox.stop(), sqs.stop(), ssm.close(), dynamo.close()]);
}

/**
 * 1. The handler (parse, validate, map, encode, SendMessage, answer, log, metrics) against the same
 * SendMessage with the SQS client alone. Runs in a child process whose stdout is /dev/null; the local
 * SQS server runs in another process, so only the client side's CPU is counted.
 */
async function acceptPathCpu(): Promise<void> {
  const child = startBenchChild('bench/support/leads-accept-cpu.ts', { env: leadsEnv() });
  try {
    const r = await child.next<AcceptCpuResult & ChildMessage>('result');
    console.log(`accept path CPU per lead vs the SQS SendMessage alone (median of ${r.rounds} alternating rounds of ${r.perRound}):`);
    console.log(`  JSON lead:            ${r.jsonRatio.toFixed(2)}× (${r.jsonUs.toFixed(0)} µs vs ${r.sendUs.toFixed(0)} µs; answers ${r.statuses.join(', ')})`);
    console.log(`  base64 HTML form:     ${r.formRatio.toFixed(2)}× (${r.formUs.toFixed(0)} µs vs ${r.sendUs.toFixed(0)} µs)`);
  } finally {
    await child.stop({ type: 'stop' });
  }
  await queueClient.send(new PurgeQueueCommand({ QueueUrl: sqs.queueUrl }));
}

/**
 * 2. 1,000 leads (700 people, then 300 leads from people who wrote before, interleaved) through the
 * leads function onto the queue, then the worker over the queue in batches of 10 as the event source
 * mapping runs it. Counts what CSMART (the sandbox) saw. Handlers run in this process: only counts matter.
 */
async function csmartCallsPerThousandLeads(): Promise<void> {
  await fetch(`${sandbox.adminUrl}/reset`, { method: 'POST' });
  const tableNames = await createTablesFromServerless({ endpoint: dynamo.endpoint, stage: 'bench', env: {} });
  const linkTable = tableNames.find((name) => name.endsWith('-links'));
  if (!linkTable) throw new Error(`no link table among ${tableNames.join(', ')}`);
  const saved = process.env;
  process.env = leadsEnv({
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, CSMART_LINK_TABLE: linkTable, CSMART_API_URL: sandbox.url,
    CSMART_DOMAIN: DEMO_USER.domain, CSMART_EMAIL: DEMO_USER.email, CSMART_PASSWORD: DEMO_USER.password,
    POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true',
  });
  try {
    const leads = (await import('../functions/leads.ts')).handler;
    const worker = (await import('../functions/worker.ts')).handler;

    const answers = new Map<number, number>();
    const events = thousandLeads();
    for (const event of events) {
      const statusCode = (await leads(event, lambdaContext('leads'))).statusCode ?? 0;
      answers.set(statusCode, (answers.get(statusCode) ?? 0) + 1);
    }
    const { batches, failures } = await drainQueue(worker);
    const stats = await sandbox.stats();
    const requests = (await (await fetch(`${sandbox.adminUrl}/requests`)).json()) as Array<{ module: string; action: string; outcome: string }>;
    const byCall = new Map<string, number>();
    for (const { module, action, outcome } of requests) {
      const key = `${module === 'Login' ? 'Login' : `${module}/${action}`}${outcome === 'ok' ? '' : ` (${outcome})`}`;
      byCall.set(key, (byCall.get(key) ?? 0) + 1);
    }
    const left = await queueDepth(sqs.queueUrl);
    const parked = await queueDepth(sqs.dlqUrl);
    const per1000 = (n: number) => Math.round((n * 1000) / events.length);
    console.log(`CSMART per 1,000 leads through the worker (700 people + 300 repeat e-mails; answers ${[...answers].map(([s, n]) => `${n}×${s}`).join(', ')}):`);
    console.log(`  calls ${per1000(stats.calls ?? 0)}, logins ${per1000(stats.logins ?? 0)}; ${batches} batches of ≤10, ${failures} failed items, ${left} left on the queue, ${parked} in the DLQ`);
    console.log(`  by call: ${[...byCall].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${key} ${per1000(n)}`).join(', ')}`);
  } finally {
    process.env = saved;
  }
}

/** 700 new people; every 10 leads, 3 come from someone who already wrote (a new message, so a new body). */
function thousandLeads(): APIGatewayProxyEventV2[] {
  const events: APIGatewayProxyEventV2[] = [];
  let introduced = 0;
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < 1000; k++) {
    const repeat = k % 10 === 3 || k % 10 === 6 || k % 10 === 9;
    const person = repeat ? Math.floor(random() * introduced) : introduced++;
    const fields = leadFields(PEOPLE.worker + person, repeat ? k : 0);
    // Sites post both ways: half JSON from a script, half plain HTML forms.
    events.push(k % 2 === 0 ? jsonLeadEvent(fields) : formLeadEvent(fields));
  }
  return events;
}

type Worker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A fresh invocation of the worker as deployed: it starts a delivery only with time to finish it. */
function workerContext(): Context {
  return { ...lambdaContext('worker'), getRemainingTimeInMillis: () => WORKER_TIMEOUT_MS };
}

/** The event source mapping: receive ≤10, invoke, delete what did not fail; until the queue is empty. */
async function drainQueue(worker: Worker): Promise<{ batches: number; failures: number }> {
  let batches = 0;
  let failures = 0;
  for (let idle = 0; idle < 3;) {
    const { Messages = [] } = await queueClient.send(new ReceiveMessageCommand({
      QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], WaitTimeSeconds: 0,
    }));
    if (Messages.length === 0) {
      // Postponed messages stay hidden for ≥15 s: not worth waiting for in a benchmark; they are reported.
      idle += 1;
      continue;
    }
    idle = 0;
    batches += 1;
    const response = await worker(sqsEvent(Messages.map((m) => sqsRecord(m, sqs.queueArn))), workerContext());
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    failures += failed.size;
    for (const m of Messages) {
      if (!failed.has(m.MessageId ?? '')) await queueClient.send(new DeleteMessageCommand({ QueueUrl: sqs.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return { batches, failures };
}

async function queueDepth(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await queueClient.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * 3. SSM calls at the local SSM server per cold start of the leads function (a fresh process each) and
 * over its next 100 warm invocations. CSMART_FORMS_FILE is unset: the form's settings come from SSM.
 */
async function ssmCallsPerStart(): Promise<void> {
  const ssmCalls = (server: LocalSsm) => Object.values(server.calls).reduce((sum, n) => sum + n, 0);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let start = 0; start < 3; start++) {
    const child = startBenchChild('bench/support/leads-cold-start.ts', {
      env: leadsEnv({ BENCH_FIRST_PERSON: String(PEOPLE.coldStart + start * 1000) }),
    });
    try {
      const before = ssmCalls(ssm);
      const first = await child.next<ChildMessage & { status: number }>('cold');
      if (first.status >= 400) throw new Error(`the cold invocation answered ${first.status}`);
      const afterCold = ssmCalls(ssm);
      child.send({ type: 'warm' });
      await child.next('warm');
      cold.push(afterCold - before);
      warm.push(ssmCalls(ssm) - afterCold);
    } finally {
      await child.stop({ type: 'stop' });
    }
  }
  console.log(`SSM calls per cold start of the leads function: ${cold.join(', ')} in 3 fresh processes (goal 1; GetParameters: ${ssm.calls.GetParameters} in all)`);
  console.log(`SSM calls over the next 100 warm invocations: ${warm.join(', ')} (goal 0)`);
  await queueClient.send(new PurgeQueueCommand({ QueueUrl: sqs.queueUrl }));
}

/**
 * 4. Each function bundled as serverless.yml bundles it, against a bundle of only the SDK clients it uses
 * (a), and with the SDK left to the runtime against an empty handler (b). Fresh-process import time is
 * what a cold start pays for the code.
 */
async function bundleSizesAndImportTimes(): Promise<void> {
  const names = Object.keys(FUNCTION_SDK) as FunctionName[];
  const variants = Object.keys(VARIANTS) as Variant[];
  const built = new Map<string, BuiltBundle>();
  const sdkKey = (name: FunctionName) => FUNCTION_SDK[name].join('+');
  for (const variant of variants) {
    for (const name of names) {
      built.set(`${name} ${variant}`, await bundles.build(name, `functions/${name}.ts`, variant));
      const key = `sdk:${sdkKey(name)} ${variant}`;
      if (!built.has(key)) built.set(key, await bundles.build(`sdk-${sdkKey(name)}`, bundles.sdkOnlyEntry(FUNCTION_SDK[name]), variant));
    }
  }
  built.set('empty', await bundles.build('empty', bundles.emptyEntry(), 'runtime'));
  const keys = [...built.keys()];
  const times = new Map(importTimes(keys.map((key) => built.get(key)!.file), 11).map((ms, i) => [keys[i]!, ms]));
  const size = (key: string) => built.get(key)!.bytes;
  const time = (key: string) => times.get(key)!;

  const pad = (text: string, width: number) => text.padEnd(width);
  const sdkLabel = (name: FunctionName) => FUNCTION_SDK[name].map((part) => SDK_LABELS[part]).join(' + ');
  console.log('bundles as serverless.yml builds them (measure.ts bundle(): minified, node24, mainFields module/main) and fresh-process import times (median of 11, alternating):');
  console.log(`  ${VARIANTS.bundled.label}: ratios to a bundle that only constructs the SDK clients the function uses (goal ≤ 1.15 each)`);
  console.log(`    ${pad('function', 10)}${pad('size', 11)}${pad('SDK-only', 11)}${pad('× size', 8)}${pad('import', 10)}${pad('SDK-only', 10)}${pad('× import', 10)}SDK clients`);
  for (const name of names) {
    const own = `${name} bundled`;
    const sdk = `sdk:${sdkKey(name)} bundled`;
    console.log(`    ${pad(name, 10)}${pad(kb(size(own)), 11)}${pad(kb(size(sdk)), 11)}${pad(ratio(size(own), size(sdk)), 8)}`
      + `${pad(`${time(own).toFixed(0)} ms`, 10)}${pad(`${time(sdk).toFixed(0)} ms`, 10)}${pad(ratio(time(own), time(sdk)), 10)}${sdkLabel(name)}`);
  }
  console.log(`  ${VARIANTS.runtime.label} (external @aws-sdk/*, @smithy/*; node_modules stands in for the runtime's copy): against an empty handler`
    + ` (${kb(size('empty'))}, ${time('empty').toFixed(0)} ms), and the SDK-only entry, also external, for reference`);
  console.log(`    ${pad('function', 10)}${pad('size', 11)}${pad('import', 10)}${pad('× empty', 9)}${pad('SDK-only', 10)}${pad('× SDK-only', 11)}`);
  for (const name of names) {
    const own = `${name} runtime`;
    const sdk = `sdk:${sdkKey(name)} runtime`;
    console.log(`    ${pad(name, 10)}${pad(kb(size(own)), 11)}${pad(`${time(own).toFixed(0)} ms`, 10)}${pad(ratio(time(own), time('empty')), 9)}`
      + `${pad(`${time(sdk).toFixed(0)} ms`, 10)}${pad(ratio(time(own), time(sdk)), 11)}`);
  }
  const total = (variant: Variant) => names.reduce((sum, name) => sum + time(`${name} ${variant}`), 0);
  const bundled = total('bundled');
  const runtime = total('runtime');
  const both = `the four functions import in ${bundled.toFixed(0)} ms bundled vs ${runtime.toFixed(0)} ms with the SDK external`;
  // Within 10% the machine's noise decides; then pinning the SDK version the tests ran with wins.
  const choice = bundled > runtime * 1.1
    ? `choose ${VARIANTS.runtime.label}: ${both} (${ratio(bundled, runtime)}× slower bundled); then test against the runtime's SDK version, which AWS updates under the functions.`
    : `choose ${VARIANTS.bundled.label}: ${both} (${bundled < runtime * 0.9 ? `${ratio(runtime, bundled)}× faster bundled` : 'a tie within 10%'}); `
      + 'one tree-shaken file built from the SDK\'s ES modules, and the SDK version is the one the tests ran with, not whatever the runtime ships that week.';
  console.log(choice);
}

/**
 * 5. The accept path from a fresh process, as a cold start meets it: Node started, the leads bundle
 * (as serverless.yml builds it) loaded and its first lead answered — SSM and SQS on loopback — against
 * the same for an empty handler's bundle. Side by side: with BENCH_COLD_BEFORE=<git ref>, the leads bundle of
 * that commit (before a change, in the same run); and the floors of the same two AWS calls with the SDK clients alone (default chain; static
 * credentials and region) and with two signed requests and no SDK (node:http, and fetch). Wall time from spawn to the answer,
 * median of 9, alternating.
 */
async function coldAcceptPath(): Promise<void> {
  const leads = await bundles.build('leads-cold', 'functions/leads.ts', 'bundled');
  const beforeRef = process.env.BENCH_COLD_BEFORE;
  const before = beforeRef ? await bundles.build('leads-cold-before', bundles.checkout(beforeRef, 'functions/leads.ts'), 'bundled') : undefined;
  const sdkCalls = await bundles.build('sdk-calls-cold', bundles.sdkCallsEntry(`${BENCH_SSM_PREFIX}forms`), 'bundled');
  const staticCalls = await bundles.build('sdk-static-calls-cold', bundles.sdkCallsEntry(`${BENCH_SSM_PREFIX}forms`,
    '{ region: process.env.AWS_REGION, credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!, sessionToken: process.env.AWS_SESSION_TOKEN } }'), 'bundled');
  const leanCalls = await bundles.build('lean-calls-cold', bundles.leanCallsEntry(`${BENCH_SSM_PREFIX}forms`), 'bundled');
  const fetchCalls = await bundles.build('fetch-calls-cold', bundles.leanCallsEntry(`${BENCH_SSM_PREFIX}forms`, 'fetch'), 'bundled');
  const empty = await bundles.build('empty-cold', bundles.emptyEntry(), 'bundled');
  // Plain JavaScript, so no TypeScript loader is counted: load the bundle, answer one event, report.
  const runner = scratchModule(`import { createRequire } from 'node:module';
const loading = performance.now();
const { handler } = createRequire(import.meta.url)(process.env.BENCH_BUNDLE);
const loaded = performance.now();
const context = { functionName: 'csmart-connect-bench-leads', functionVersion: '$LATEST', memoryLimitInMB: '256',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:csmart-connect-bench-leads', awsRequestId: 'cold-' + process.pid,
  logGroupName: '/aws/lambda/csmart-connect-bench-leads', logStreamName: 'cold', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10000, done() {}, fail() {}, succeed() {} };
const answer = await handler(JSON.parse(process.env.BENCH_EVENT), context);
const answered = performance.now();
process.stderr.write(JSON.stringify({ status: (answer && answer.statusCode) || 0, startMs: loading, loadMs: loaded - loading, firstMs: answered - loaded }) + '\\n');
process.exit(0);
`, 'cold-runner.mjs');
  // BENCH_COLD_NODE_ARGS='--cpu-prof --cpu-prof-dir=…' profiles each fresh process (to find what the first request costs).
  const nodeArgs = process.env.BENCH_COLD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  type Cold = { wallMs: number; status: number; startMs: number; loadMs: number; firstMs: number };
  // Spawned asynchronously: the local SSM server answers from this process's event loop.
  const once = async (bundle: string, person: number): Promise<Cold> => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, runner], {
      env: { ...leadsEnv(), BENCH_BUNDLE: bundle, BENCH_EVENT: JSON.stringify(jsonLeadEvent(leadFields(person))) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const [code] = (await onceEvent(child, 'exit')) as [number | null];
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const line = stderr.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{')) throw new Error(`the cold run failed: ${stderr.slice(0, 500)}`);
    return { wallMs, ...(JSON.parse(line) as Omit<Cold, 'wallMs'>) };
  };
  // Alternating, so the machine's drift hits all three alike.
  const runs = { leads: [] as Cold[], before: [] as Cold[], sdkCalls: [] as Cold[], staticCalls: [] as Cold[], leanCalls: [] as Cold[], fetchCalls: [] as Cold[], empty: [] as Cold[] };
  const files = { leads: leads.file, before: before?.file ?? '', sdkCalls: sdkCalls.file, staticCalls: staticCalls.file, leanCalls: leanCalls.file, fetchCalls: fetchCalls.file, empty: empty.file };
  const order = (['leads', 'before', 'sdkCalls', 'staticCalls', 'leanCalls', 'fetchCalls', 'empty'] as const).filter((which) => which !== 'before' || before);
  for (let i = 0; i < 9; i++) {
    const person = PEOPLE.coldStart + 5_000 + i;
    for (let k = 0; k < order.length; k++) {
      const which = order[(i + k) % order.length]!;
      runs[which].push(await once(files[which], person + k * 100));
    }
  }
  rmSync(dirname(runner), { recursive: true, force: true });
  const m = (list: Cold[], key: keyof Cold) => median(list.map((r) => r[key]));
  const statuses = [...new Set([...runs.leads, ...runs.before].map((r) => r.status))].join(', ');
  const row = (label: string, list: Cold[]) => `  ${label.padEnd(42)}${`${m(list, 'wallMs').toFixed(0)} ms`.padEnd(9)}${`${ratio(m(list, 'wallMs'), m(runs.empty, 'wallMs'))}×`.padEnd(9)}`
    + `${`${m(list, 'startMs').toFixed(0)} ms`.padEnd(12)}${`${m(list, 'loadMs').toFixed(1)} ms`.padEnd(13)}${m(list, 'firstMs').toFixed(1)} ms`;
  console.log(`lead accept path from a fresh process (median of 9, alternating; answers ${statuses}; SSM + SQS on loopback), before and after side by side:`);
  console.log(`  ${'bundle'.padEnd(42)}${'spawn → answer'.padEnd(18)}${'Node ready'.padEnd(12)}${'bundle load'.padEnd(13)}first lead`);
  console.log(`  ${''.padEnd(42)}${'ms'.padEnd(9)}${'× empty'.padEnd(9)}`);
  console.log(row('leads, as serverless.yml builds it', runs.leads));
  if (before) console.log(row(`leads at ${beforeRef} (before)`, runs.before));
  console.log(row('SDK clients alone, the same 2 calls', runs.sdkCalls));
  console.log(row('  … with static credentials and region', runs.staticCalls));
  console.log(row('signed requests alone, the same 2 calls', runs.leanCalls));
  console.log(row('  … sent with fetch instead of node:http', runs.fetchCalls));
  console.log(row('empty handler', runs.empty));
}
