import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export type StackPorts = { sandbox: number; offline: number; offlineLambda: number; examples: number; dynamo: number; sqs: number };

export type RunningStack = {
  child: ChildProcess;
  ports: StackPorts;
  /** Everything `npm start` printed so far (stdout and stderr). */
  output(): string;
  /** serverless offline's pid (= its process group), as the banner prints it. */
  offlinePid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Distinct ports free right now on 127.0.0.1 (all held open together, so none repeats). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(server);
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** `npm start` as a person runs it. */
export const NPM_START = ['npm', 'start'] as const;
/** The script alone, under tsx, as a process manager would run it (no npm in between). */
export const START_SCRIPT = [process.execPath, join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start.ts'] as const;

/**
 * Runs the local stack in its own process group (as a terminal runs a command), on free ports and with
 * an in-memory sandbox, and waits until it prints its banner.
 */
export async function startStack(options: { command: readonly [string, ...string[]]; timeoutMs: number; env?: Record<string, string> }): Promise<RunningStack> {
  const [sandbox, offline, offlineLambda, examples, dynamo, sqs] = (await freePorts(6)) as [number, number, number, number, number, number];
  const ports = { sandbox, offline, offlineLambda, examples, dynamo, sqs };
  const [command, ...args] = options.command;
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SANDBOX_PORT: String(sandbox),
      OFFLINE_HTTP_PORT: String(offline),
      OFFLINE_LAMBDA_PORT: String(offlineLambda),
      EXAMPLES_PORT: String(examples),
      DYNAMO_PORT: String(dynamo),
      SQS_PORT: String(sqs),
      SANDBOX_DATA_FILE: '',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      ...options.env,
    },
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': npm may end before the stack it started has written its last lines to the shared pipe.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });

  const deadline = Date.now() + options.timeoutMs;
  let gone: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((result) => { gone = result; });
  while (!text.includes('Ctrl-C stops everything.')) {
    if (gone) throw new Error(`the local stack ended before it was ready (${gone.signal ?? `exit code ${gone.code}`}):\n${text}`);
    if (Date.now() > deadline) {
      killGroup(child.pid, 'SIGKILL');
      throw new Error(`the local stack was not ready after ${options.timeoutMs / 1000} s:\n${text}`);
    }
    await sleep(100);
  }
  const pid = /serverless offline pid (\d+)/.exec(text)?.[1];
  if (!pid) throw new Error(`the local stack did not print serverless offline's pid:\n${text}`);
  return { child, ports, output: () => text, offlinePid: Number(pid), exited };
}

/** Whether any process of the group is still there. */
export function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves true when something accepts connections on the port, false when it is refused. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The lines of the banner that follow a heading, trimmed: the commands to paste. */
export function lineAfter(output: string, heading: string): string {
  const lines = output.split('\n');
  const at = lines.findIndex((line) => line.startsWith(heading));
  const line = at < 0 ? undefined : lines[at + 1];
  if (line === undefined) throw new Error(`no line after "${heading}" in:\n${output}`);
  return line.trim();
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
