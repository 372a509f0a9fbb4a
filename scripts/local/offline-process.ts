// `serverless offline --stage local` as a child process: how it is started, known to be ready, and stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { LocalStackError } from './errors.ts';
import { LOCAL_STAGE, type LocalStackOptions } from './options.ts';
import type { StackPorts } from './ports.ts';
import { signalGroup, stopProcessGroup } from './process-group.ts';

/** The line serverless-offline prints when its HTTP server accepts requests. */
const READY_LINE = /Server ready: https?:\/\//;

export type OfflineProcess = {
  /** Its process id, which is also its process group id. */
  readonly pid: number | undefined;
  /** Settles when it ends, whether stopped or not (its exit code, or the signal). */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Settles once it accepts requests; see `waitUntilReady`. */
  ready(options: LocalStackOptions, signal: AbortSignal | undefined): Promise<void>;
  /** Ends its whole process group. */
  stop(): Promise<void>;
};

/** The serverless command osls installs; offline cannot run without it. */
export function serverlessBinary(root: string): string {
  const serverlessBin = join(root, 'node_modules', 'osls', 'bin', 'serverless.js');
  if (!existsSync(serverlessBin)) {
    throw new LocalStackError('offline_missing', `${serverlessBin} is missing: run npm install (osls provides the serverless command)`);
  }
  return serverlessBin;
}

/** Starts offline in its own process group; `stop` waits long for a clean halt only once it was ready. */
export function startOffline(input: { serverlessBin: string; root: string; ports: StackPorts; env: Record<string, string> }): OfflineProcess {
  const child = spawnOffline(input);
  const exited = new Promise<number | NodeJS.Signals | null>((done) => child.once('exit', (code, exitSignal) => done(code ?? exitSignal)));
  // Last resort if this process ends without stopping (an uncaught error, process.exit): take offline's group along.
  const killOnExit = () => {
    try {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    } catch {
      // Nothing more can be done while exiting.
    }
  };
  process.once('exit', killOnExit);
  let isReady = false;
  return {
    get pid() {
      return child.pid;
    },
    exited,
    async ready(options, signal) {
      await waitUntilReady(child, options, signal);
      isReady = true;
    },
    async stop() {
      // While still starting, offline does not act on SIGINT yet: no point waiting long for it.
      await stopProcessGroup(child, isReady ? 10_000 : 2_000);
      process.off('exit', killOnExit);
    },
  };
}

function spawnOffline(input: { serverlessBin: string; root: string; ports: StackPorts; env: Record<string, string> }): ChildProcess {
  const { ports } = input;
  // process.execPath: the Node that runs this script (the project's Node 24), not whatever `node` is on PATH.
  // detached: its own process group, so stopping it reaches its esbuild service and worker processes too.
  return spawn(process.execPath, [
    input.serverlessBin, 'offline', '--stage', LOCAL_STAGE, '--httpPort', String(ports.offline), '--lambdaPort', String(ports.offlineLambda),
  ], { cwd: input.root, env: input.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Settles when offline prints its ready line; fails when it exits, cannot start, takes longer than
 * `startTimeoutMs` or the signal aborts. Its lines are kept until then (shown in the error), and go to
 * `options.output` after.
 */
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
