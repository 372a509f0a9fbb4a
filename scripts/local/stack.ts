import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTablesFromServerless, startLocalDynamo } from '../../emulators/dynamodb.ts';
import { startLocalSqs } from '../../emulators/sqs/index.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { startFakeVatRegister } from '../../sandbox/vat-register.ts';
import { LocalStackError } from './errors.ts';
import { closeServer, startExamplesServer } from './examples-server.ts';
import { localFormsFile } from './forms-file.ts';
import { offlineEnvironment } from './offline-environment.ts';
import { serverlessBinary, startOffline } from './offline-process.ts';
import { LOCAL_STAGE, type LocalStackOptions } from './options.ts';
import { assertPortFree, listening, type StackPorts } from './ports.ts';

/**
 * `npm start`: the whole service on this machine, no AWS account needed. The CSMART sandbox,
 * dynalite and the local SQS server run in this process (the queues and the link table are kept
 * beside the sandbox's data, so a restart loses nothing); `serverless offline --stage local` runs as a
 * child in its own process group (so stopping it also stops its esbuild service and anything else it
 * started); a tiny static server serves examples/ so the lead form can be tried in a browser.
 *
 * This file puts the parts together; each is a file beside it: options.ts (the settings, from the
 * environment), ports.ts (defaults, checks), errors.ts, forms-file.ts, examples-server.ts,
 * offline-environment.ts, offline-process.ts with process-group.ts, and for what `npm start` prints
 * once ready, banner.ts with demo-requests.ts.
 */

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
  const serverlessBin = serverlessBinary(root);
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
    const offline = startOffline({ serverlessBin, root, ports, env: { ...offlineEnvironment(process.env, { sandbox, dynamo, sqs, formsFile: formsFile.path, secretsFile: options.secretsFile, ports }), CSMART_VAT_REGISTER_URL: vatRegisterUrl } });
    cleanups.push(() => offline.stop());
    await offline.ready({ ...options, output }, signal);

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
      offlineExited: offline.exited,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LocalStackError('aborted', 'stopped while starting');
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
