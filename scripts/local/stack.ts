import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { DEMO_USER, startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { createTablesFromServerless, startLocalDynamo, type LocalDynamo } from '../../emulators/dynamodb.ts';
import { startLocalSqs, type LocalSqs } from '../../emulators/sqs/index.ts';
import { startFakeVatRegister } from '../../sandbox/vat-register.ts';

/**
 * `npm start`: the whole service on this machine, no AWS account needed. The CSMART sandbox,
 * dynalite and the local SQS server run in this process (the queues and the link table are kept
 * beside the sandbox's data, so a restart loses nothing); `serverless offline --stage local` runs as a child in its own process
 * group (so stopping it also stops its esbuild service and anything else it started); a tiny static
 * server serves examples/ so the lead form can be tried in a browser.
 */

export const LOCAL_STAGE = 'local';
export const LOCAL_REGION = 'eu-central-1';
/** The project root: scripts/local/ is two levels down. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The ports config/local/forms.json and examples/lead-form.html are written for. */
export const DEFAULT_PORTS = { sandbox: 8787, offline: 3000, offlineLambda: 3002, examples: 8080, dynamo: 8000, sqs: 9324 } as const;
export type StackPorts = { [K in keyof typeof DEFAULT_PORTS]: number };

/** Which variable sets each port: named in every "port taken" message. */
export const PORT_VARIABLES: Record<keyof StackPorts, string> = {
  sandbox: 'SANDBOX_PORT',
  offline: 'OFFLINE_HTTP_PORT',
  offlineLambda: 'OFFLINE_LAMBDA_PORT',
  examples: 'EXAMPLES_PORT',
  dynamo: 'DYNAMO_PORT',
  sqs: 'SQS_PORT',
};

const PORT_PURPOSES: Record<keyof StackPorts, string> = {
  sandbox: 'the CSMART sandbox',
  offline: 'serverless offline (HTTP)',
  offlineLambda: 'serverless offline (Lambda invoke)',
  examples: 'the example form server',
  dynamo: 'the local DynamoDB',
  sqs: 'the local SQS server',
};

export type LocalStackOptions = {
  root: string;
  ports: StackPorts;
  /** The sandbox's data file; undefined keeps everything in memory (and the link table with it). */
  sandboxDataFile: string | undefined;
  formsFile: string;
  secretsFile: string;
  startTimeoutMs: number;
  /** Where serverless offline's output goes once it is ready (before that it is kept, and shown on failure). */
  output: (line: string) => void;
};

export const LOCAL_STACK_ERROR_CODES = ['bad_setting', 'port_taken', 'offline_missing', 'offline_failed', 'offline_timeout', 'aborted'] as const;
export type LocalStackErrorCode = (typeof LOCAL_STACK_ERROR_CODES)[number];

/** The local stack could not start; the message says what to do about it. */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
  readonly code: LocalStackErrorCode;
  constructor(code: LocalStackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the stack's settings from the environment (pure: no I/O). */
export function readLocalStackOptions(env: Env, root = PROJECT_ROOT, output: (line: string) => void = () => {}): LocalStackOptions {
  const port = (key: keyof StackPorts): number => {
    const variable = PORT_VARIABLES[key];
    const raw = env[variable]?.trim();
    if (!raw) return DEFAULT_PORTS[key];
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    // Port 0 ("any") only makes sense where nobody needs to know the port in advance.
    const min = key === 'dynamo' || key === 'sqs' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min || value > 65535) {
      throw new LocalStackError('bad_setting', `${variable} must be a port number from ${min} to 65535 (got "${raw}")`);
    }
    return value;
  };
  const ports: StackPorts = {
    sandbox: port('sandbox'), offline: port('offline'), offlineLambda: port('offlineLambda'), examples: port('examples'), dynamo: port('dynamo'), sqs: port('sqs'),
  };
  const fixed = (Object.keys(ports) as (keyof StackPorts)[]).filter((key) => ports[key] !== 0);
  for (const [i, a] of fixed.entries()) {
    const b = fixed.slice(i + 1).find((other) => ports[other] === ports[a]);
    if (b) throw new LocalStackError('bad_setting', `${PORT_VARIABLES[a]} and ${PORT_VARIABLES[b]} are both ${ports[a]}; give each its own port`);
  }

  const timeout = env.OFFLINE_START_TIMEOUT?.trim();
  const startTimeoutSeconds = timeout ? Number(timeout) : 120;
  if (!Number.isFinite(startTimeoutSeconds) || startTimeoutSeconds <= 0) {
    throw new LocalStackError('bad_setting', `OFFLINE_START_TIMEOUT must be a number of seconds above 0 (got "${timeout}")`);
  }
  // Same variable and default as `npm run sandbox`: both share one store; empty = memory only.
  const dataFile = env.SANDBOX_DATA_FILE ?? '.sandbox-data/store.json';
  return {
    root,
    ports,
    sandboxDataFile: dataFile.trim() === '' ? undefined : resolve(root, dataFile),
    formsFile: resolve(root, env.CSMART_FORMS_FILE?.trim() || 'config/local/forms.json'),
    secretsFile: resolve(root, env.CSMART_SECRETS_FILE?.trim() || 'config/local/secrets.json'),
    startTimeoutMs: startTimeoutSeconds * 1000,
    output,
  };
}

export type LocalStackUrls = {
  leads: string;
  webhooks: string;
  sandbox: string;
  sandboxAdmin: string;
  exampleForm: string;
  dynamo: string;
  sqs: string;
};

export type LocalStack = {
  urls: LocalStackUrls;
  /** serverless offline's process id, which is also its process group id. */
  offlinePid: number;
  /** Settles when serverless offline ends, whether stopped or not (its exit code, or the signal). */
  offlineExited: Promise<number | NodeJS.Signals | null>;
  /** Stops everything, serverless offline's whole process group first; safe to call more than once. */
  stop(): Promise<void>;
};

/**
 * Starts the sandbox, dynalite (with the tables of serverless.yml), the example form server and
 * `serverless offline --stage local`, and answers once offline says it is ready. Every port is checked
 * first, so a port in use fails before anything starts. On failure or abort, whatever started is stopped.
 */
export async function startLocalStack(options: LocalStackOptions, signal?: AbortSignal): Promise<LocalStack> {
  const { root, ports } = options;
  const serverlessBin = join(root, 'node_modules', 'osls', 'bin', 'serverless.js');
  if (!existsSync(serverlessBin)) {
    throw new LocalStackError('offline_missing', `${serverlessBin} is missing: run npm install (osls provides the serverless command)`);
  }
  for (const key of Object.keys(ports) as (keyof StackPorts)[]) await assertPortFree(ports[key], key);

  const cleanups: Array<() => Promise<void> | void> = [];
  let stopping = false;
  // Offline's shutdown chatter (and serverless-esbuild's watcher seeing .esbuild/ go) is noise: not shown.
  const output = (line: string) => {
    if (!stopping) options.output(line);
  };
  const stop = once(async () => {
    stopping = true;
    // Last started, first stopped: offline stops before the servers it calls.
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error('local stack: a part did not stop cleanly', error);
      }
    }
  });
  try {
    throwIfAborted(signal);
    const sandbox = await listening(() => startSandbox({ port: ports.sandbox, ...(options.sandboxDataFile ? { dataFile: options.sandboxDataFile } : {}) }), 'sandbox');
    cleanups.push(() => sandbox.close());

    // The link table keeps delivered submissions; it lives and dies with the sandbox's data, so a fresh
    // sandbox never meets a table that thinks its leads were already delivered.
    const dynamoPath = options.sandboxDataFile ? join(dirname(options.sandboxDataFile), 'dynamodb') : undefined;
    if (dynamoPath) mkdirSync(dynamoPath, { recursive: true });
    const dynamo = await listening(() => startLocalDynamo({ port: ports.dynamo, ...(dynamoPath ? { path: dynamoPath } : {}) }), 'dynamo');
    cleanups.push(() => dynamo.close());
    await createTablesFromServerless({ stage: LOCAL_STAGE, endpoint: dynamo.endpoint, serviceYml: join(root, 'serverless.yml') });

    // The delivery queue and its DLQ: serverless offline's queue plugin creates them here and runs the worker from them.
    // What the last run's worker held is offered again at once: that worker stopped with it.
    const sqsFile = options.sandboxDataFile ? join(dirname(options.sandboxDataFile), 'sqs.json') : undefined;
    const sqs = await listening(() => startLocalSqs({ port: ports.sqs, ...(sqsFile ? { dataFile: sqsFile, releaseInFlightOnStart: true } : {}) }), 'sqs');
    cleanups.push(() => sqs.close());

    const examplesOrigin = `http://127.0.0.1:${ports.examples}`;
    const offlineOrigin = `http://127.0.0.1:${ports.offline}`;
    const formsFile = localFormsFile(options.formsFile, ports.examples);
    if (formsFile.temporaryDir) cleanups.push(() => rmSync(formsFile.temporaryDir!, { recursive: true, force: true }));

    const examples = await listening(() => startExamplesServer({ root: join(root, 'examples'), port: ports.examples, leadsOrigin: offlineOrigin }), 'examples');
    cleanups.push(() => closeServer(examples));

    throwIfAborted(signal);
    // The worker looks NIPs up in the VAT register: a local fake (made-up companies), unless a register URL is set.
    const vatRegisterUrl: string = process.env.CSMART_VAT_REGISTER_URL?.trim() || await startFakeVatRegister().then((register) => {
      cleanups.push(() => register.close());
      return register.url;
    });
    const offline = spawnOffline({ serverlessBin, root, ports, env: { ...offlineEnvironment(process.env, { sandbox, dynamo, sqs, formsFile: formsFile.path, secretsFile: options.secretsFile, ports }), CSMART_VAT_REGISTER_URL: vatRegisterUrl } });
    const offlineExited = new Promise<number | NodeJS.Signals | null>((done) => offline.once('exit', (code, exitSignal) => done(code ?? exitSignal)));
    // Last resort if this process ends without stopping (an uncaught error, process.exit): take offline's group along.
    const killOnExit = () => {
      try {
        if (offline.pid !== undefined) signalGroup(offline.pid, 'SIGKILL');
      } catch {
        // Nothing more can be done while exiting.
      }
    };
    process.once('exit', killOnExit);
    let ready = false;
    cleanups.push(async () => {
      // While still starting, offline does not act on SIGINT yet: no point waiting long for it.
      await stopProcessGroup(offline, ready ? 10_000 : 2_000);
      process.off('exit', killOnExit);
    });
    await waitUntilReady(offline, { ...options, output }, signal);
    ready = true;

    return {
      urls: {
        leads: `${offlineOrigin}/leads`,
        webhooks: `${offlineOrigin}/webhooks`,
        sandbox: sandbox.url,
        sandboxAdmin: sandbox.adminUrl,
        exampleForm: `${examplesOrigin}/lead-form.html`,
        dynamo: dynamo.endpoint,
        sqs: sqs.endpoint,
      },
      offlinePid: offline.pid!,
      offlineExited,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The environment of `serverless offline`: it passes only serverless.yml's variables and AWS_* ones on to the functions. */
export function offlineEnvironment(
  base: Env,
  parts: { sandbox: Pick<Sandbox, 'url'>; dynamo: Pick<LocalDynamo, 'endpoint'>; sqs: Pick<LocalSqs, 'endpoint'>; formsFile: string; secretsFile: string; ports: StackPorts },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    // No real AWS account, profile or endpoint may leak in: locally everything is on loopback.
    if (value === undefined || name.startsWith('AWS_')) continue;
    env[name] = value;
  }
  // Settings of a deployed stage that would send the functions elsewhere than the local stack.
  for (const name of ['CSMART_PASSWORD_SHA1', 'CSMART_QUEUE_URL', 'CSMART_DLQ_URL', 'CSMART_LINK_TABLE', 'CSMART_SSM_PREFIX']) delete env[name];
  return {
    ...env,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // dynalite accepts any keys; the SDK only needs some to sign with.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: parts.dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: parts.sqs.endpoint,
    CSMART_API_URL: parts.sandbox.url,
    CSMART_DOMAIN: DEMO_USER.domain,
    CSMART_EMAIL: DEMO_USER.email,
    CSMART_PASSWORD: DEMO_USER.password,
    CSMART_FORMS_FILE: parts.formsFile,
    CSMART_SECRETS_FILE: parts.secretsFile,
    // serverless-esbuild's work folder, once serverless.yml reads it (custom.esbuild.outputWorkFolder): `osls package`
    // and other local stacks empty .esbuild/ when they finish, which would take this stack's bundles with them.
    ESBUILD_WORK_FOLDER: `.esbuild-local/${parts.ports.offline}`,
    OFFLINE_HTTP_PORT: String(parts.ports.offline),
    OFFLINE_LAMBDA_PORT: String(parts.ports.offlineLambda),
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
}

/**
 * The forms file for the running stack. config/local/forms.json names the example origin on port 8080;
 * on another EXAMPLES_PORT a copy with that port is written to a temporary folder, so the example form's
 * origin stays allowed and its thank-you page stays reachable.
 */
function localFormsFile(file: string, examplesPort: number): { path: string; temporaryDir?: string } {
  if (!existsSync(file)) throw new LocalStackError('bad_setting', `The forms file ${file} does not exist (CSMART_FORMS_FILE)`);
  if (examplesPort === DEFAULT_PORTS.examples) return { path: file };
  const temporaryDir = mkdtempSync(join(tmpdir(), 'csmart-local-'));
  const path = join(temporaryDir, 'forms.json');
  writeFileSync(path, retargetExampleOrigin(readFileSync(file, 'utf8'), examplesPort));
  return { path, temporaryDir };
}

/** Points the example origin (127.0.0.1 or localhost, port 8080) at another port; pure text replacement. */
export function retargetExampleOrigin(text: string, port: number): string {
  return text.replace(/http:\/\/(127\.0\.0\.1|localhost):8080(?![0-9])/g, (_, host: string) => `http://${host}:${port}`);
}

const DEFAULT_LEADS_ORIGIN = `http://127.0.0.1:${DEFAULT_PORTS.offline}`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves a folder read-only on loopback. HTML pages are written for the default stack: when offline
 * runs on another port, `http://127.0.0.1:3000` in them is replaced by the running stack's origin.
 */
export async function startExamplesServer(options: { root: string; port: number; leadsOrigin: string }): Promise<Server> {
  const root = resolve(options.root);
  const server = createServer((request, response) => {
    const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'Method not allowed\n', { allow: 'GET, HEAD' });
    const { pathname } = new URL(request.url ?? '/', 'http://examples');
    if (pathname === '/') return send(302, 'text/plain; charset=utf-8', '', { location: '/lead-form.html' });
    let file: string;
    try {
      file = resolve(root, `.${decodeURIComponent(pathname)}`);
    } catch {
      return send(400, 'text/plain; charset=utf-8', 'Bad path\n');
    }
    const type = CONTENT_TYPES[extname(file)];
    if (!file.startsWith(root + sep) || !type) return send(404, 'text/plain; charset=utf-8', 'Not found\n');
    readFile(file).then(
      (bytes) => {
        const body = type.startsWith('text/html') && options.leadsOrigin !== DEFAULT_LEADS_ORIGIN
          ? bytes.toString('utf8').replaceAll(DEFAULT_LEADS_ORIGIN, options.leadsOrigin)
          : bytes;
        send(200, type, body);
      },
      () => send(404, 'text/plain; charset=utf-8', 'Not found\n'),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  return server;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}

/** Fails with a clear message when something already listens on the port (0 = any port, always free). */
export async function assertPortFree(port: number, key: keyof StackPorts): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', (error: NodeJS.ErrnoException) => fail(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? portTaken(port, key, error) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done()));
  });
}

function portTaken(port: number, key: keyof StackPorts, cause: NodeJS.ErrnoException): LocalStackError {
  const why = cause.code === 'EACCES' ? 'cannot be used by this user' : 'is already in use';
  return new LocalStackError('port_taken', `Port ${port} for ${PORT_PURPOSES[key]} ${why} on 127.0.0.1. Stop whatever uses it, or choose another port: ${PORT_VARIABLES[key]}=<port> npm start`, { cause });
}

/** Runs a start function and turns a port clash (a race after the check) into the same clear error. */
async function listening<T>(start: () => Promise<T>, key: keyof StackPorts): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const port = (error as { port?: number }).port;
    if ((code === 'EADDRINUSE' || code === 'EACCES') && port !== undefined) throw portTaken(port, key, error as NodeJS.ErrnoException);
    throw error;
  }
}

function spawnOffline(input: { serverlessBin: string; root: string; ports: StackPorts; env: Record<string, string> }): ChildProcess {
  const { ports } = input;
  // process.execPath: the Node that runs this script (the project's Node 24), not whatever `node` is on PATH.
  // detached: its own process group, so stopping it reaches its esbuild service and worker processes too.
  return spawn(process.execPath, [
    input.serverlessBin, 'offline', '--stage', LOCAL_STAGE, '--httpPort', String(ports.offline), '--lambdaPort', String(ports.offlineLambda),
  ], { cwd: input.root, env: input.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The line serverless-offline prints when its HTTP server accepts requests. */
const READY_LINE = /Server ready: https?:\/\//;

async function waitUntilReady(child: ChildProcess, options: LocalStackOptions, signal: AbortSignal | undefined): Promise<void> {
  const early: string[] = [];
  let ready = false;
  let onReady = () => {};
  const onLine = (line: string) => {
    if (ready) return options.output(line);
    early.push(line);
    if (READY_LINE.test(stripVTControlCharacters(line))) onReady();
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }
  const shown = () => (early.length > 0 ? `\n--- serverless offline said ---\n${early.join('\n')}` : '');
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => finish(new LocalStackError('offline_timeout', `serverless offline was not ready after ${options.startTimeoutMs / 1000} s (OFFLINE_START_TIMEOUT to wait longer)${shown()}`)),
      options.startTimeoutMs,
    );
    const onAbort = () => finish(new LocalStackError('aborted', 'stopped before serverless offline was ready'));
    const onExit = (code: number | null, exitSignal: NodeJS.Signals | null) => {
      finish(new LocalStackError('offline_failed', `serverless offline stopped before it was ready (${exitSignal ?? `exit code ${code}`})${shown()}`));
    };
    const onError = (cause: Error) => finish(new LocalStackError('offline_failed', `serverless offline could not be started: ${cause.message}`, { cause }));
    function finish(error?: LocalStackError) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      child.off('close', onExit);
      child.off('error', onError);
      onReady = () => {};
      if (error) return fail(error);
      ready = true;
      done();
    }
    onReady = () => finish();
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('close', onExit);
    child.once('error', onError);
  });
}

/** Ends a detached child's whole process group: SIGINT (offline halts cleanly), then SIGKILL for anything left. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()));
  signalGroup(pgid, 'SIGINT');
  const inTime = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!inTime) signalGroup(pgid, 'SIGKILL');
  await exited;
  // The leader is gone; helpers left in its group (esbuild's service lingers ~2 s by itself) are ended now.
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGTERM');
  for (let waited = 0; groupAlive(pgid) && waited < 1000; waited += 50) await delay(50);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  for (let waited = 0; groupAlive(pgid) && waited < 2000; waited += 50) await delay(50);
}

/** Whether any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LocalStackError('aborted', 'stopped while starting');
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

/** The demo source's Standard Webhooks secret in config/local/secrets.json: a public demo value for local use only. */
export const DEMO_WEBHOOK_SOURCE = 'demo';

/** `v1,<base64>`: HMAC-SHA256 with the base64-decoded secret after `whsec_`, over `id.timestamp.body`. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

/** Single-quotes a word for a POSIX shell. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

export const SAMPLE_LEAD = {
  company: 'Przykładowa Firma Sp. z o.o.',
  first_name: 'Anna',
  last_name: 'Nowak',
  email: 'anna.nowak@example.com',
  phone: '+48 600 100 200',
  message: 'Proszę o kontakt w sprawie oferty.',
};

/** The `curl` lines and URLs printed when the stack is ready; the webhook line is signed for `now`. */
export function startupBanner(input: { urls: LocalStackUrls; offlinePid: number; demoSecret: string | undefined; now: Date; webhookId?: string }): string {
  const { urls, now } = input;
  const lead = ['curl', '-i', `${urls.leads}`, '-H', 'content-type: application/json', '-d', JSON.stringify(SAMPLE_LEAD)].map(shellQuote).join(' ');
  const lines = [
    '',
    'csmart-connect local stack is ready (stage local, no AWS account needed)',
    '',
    `  leads         POST ${urls.leads}  ·  POST ${urls.leads}/{form}  (form "contact" in config/local/forms.json)`,
    `  webhooks      POST ${urls.webhooks}/{source}  (secrets in config/local/secrets.json)`,
    `  CSMART        ${urls.sandbox}  (sandbox; admin ${urls.sandboxAdmin})`,
    `  example form  ${urls.exampleForm}`,
    `  DynamoDB      ${urls.dynamo}  (dynalite: the link table)`,
    `  SQS           ${urls.sqs}  (delivery queue and DLQ; the worker is invoked from it as on AWS)`,
    `  processes     serverless offline pid ${input.offlinePid} (own process group)`,
    '',
    'Post a lead:',
    `  ${lead}`,
  ];
  if (input.demoSecret) {
    const timestamp = Math.floor(now.getTime() / 1000);
    const id = input.webhookId ?? `msg_${randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify({ type: 'lead.created', timestamp: now.toISOString(), data: { ...SAMPLE_LEAD, email: 'jan.kowalski@example.com', first_name: 'Jan', last_name: 'Kowalski' } });
    const webhook = [
      'curl', '-i', `${urls.webhooks}/${DEMO_WEBHOOK_SOURCE}`, '-H', 'content-type: application/json',
      '-H', `webhook-id: ${id}`, '-H', `webhook-timestamp: ${timestamp}`, '-H', `webhook-signature: ${signStandardWebhook(input.demoSecret, id, timestamp, body)}`,
      '-d', body,
    ].map(shellQuote).join(' ');
    lines.push('', 'Post a signed Standard Webhooks lead.created (signed just now; the timestamp is accepted for 5 minutes):', `  ${webhook}`);
  }
  lines.push(
    '',
    'See the result in CSMART (the sandbox):',
    `  CSMART_API_URL=${urls.sandbox} CSMART_DOMAIN=${DEMO_USER.domain} CSMART_EMAIL=${DEMO_USER.email} CSMART_PASSWORD=${DEMO_USER.password} bin/csmart list Accounts`,
    '',
    'Follow a submission (the id from its answer), list what was parked, deliver it again:',
    `  ${localCliEnvironment(urls)} bin/csmart status <id>`,
    `  ${localCliEnvironment(urls)} bin/csmart dlq`,
    `  ${localCliEnvironment(urls)} bin/csmart redrive`,
    '',
    'Ctrl-C stops everything.',
    '',
  );
  return lines.join('\n');
}

/** The variables that point the CLI's queue and link-table commands at this stack, as at an AWS stage. */
export function localCliEnvironment(urls: Pick<LocalStackUrls, 'sqs' | 'dynamo'>): string {
  return [
    `CSMART_STAGE=${LOCAL_STAGE}`, `AWS_REGION=${LOCAL_REGION}`, 'AWS_ACCESS_KEY_ID=local', 'AWS_SECRET_ACCESS_KEY=local',
    `AWS_ENDPOINT_URL_SQS=${urls.sqs}`, `AWS_ENDPOINT_URL_DYNAMODB=${urls.dynamo}`,
  ].join(' ');
}

/** The demo source's secret from the secrets file, if there is one. */
export function readDemoSecret(secretsFile: string): string | undefined {
  try {
    const secrets: unknown = JSON.parse(readFileSync(secretsFile, 'utf8'));
    const value = typeof secrets === 'object' && secrets !== null ? (secrets as Record<string, unknown>)[DEMO_WEBHOOK_SOURCE] : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}
