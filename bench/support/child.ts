import { spawn, type ChildProcess } from 'node:child_process';

/** A message between a benchmark and its child process: a `type` and whatever it carries. */
export type ChildMessage = { type: string; [key: string]: unknown };

export type BenchChild = {
  child: ChildProcess;
  /** The next message of this type the child sends (earlier ones of other types are kept for later). */
  next<T extends ChildMessage = ChildMessage>(type: string): Promise<T>;
  send(message: ChildMessage): void;
  /**
   * Resolves with the exit code once the child has exited. With `ask`, sends it that message and gives it
   * 5 s to exit on its own; a child still running after that (or at once, without `ask`) gets SIGTERM.
   */
  stop(ask?: ChildMessage): Promise<number | null>;
};

export type BenchChildOptions = {
  env: Record<string, string | undefined>;
  /** Node flags before `--import tsx` (e.g. `--expose-gc`). */
  execArgv?: string[];
  /** False for a bundled JavaScript entry, run without the tsx loader (as a function runs). */
  typescript?: boolean;
  /**
   * Where the child's stdout goes: 'ignore' (/dev/null) for children that run handlers, whose
   * Powertools log lines and metrics are written for real (a write to a file descriptor, as on Lambda)
   * but not shown. stderr is always shown, so a crash is visible.
   */
  stdout?: 'ignore' | 'inherit';
};

/** Starts a TypeScript file in its own Node process, talking JSON messages over the IPC channel. */
export function startBenchChild(entry: string, options: BenchChildOptions): BenchChild {
  const loader = options.typescript === false ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...(options.execArgv ?? []), ...loader, entry], {
    env: Object.fromEntries(Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
  });
  const inbox: ChildMessage[] = [];
  const waiting: Array<{ type: string; resolve: (message: ChildMessage) => void; reject: (error: Error) => void }> = [];
  let exited: { code: number | null } | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    exited = { code };
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${entry} exited with ${code} before sending "${waiter.type}"`));
    resolve(code);
  }));
  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    const index = waiting.findIndex((waiter) => waiter.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  return {
    child,
    next<T extends ChildMessage>(type: string): Promise<T> {
      const index = inbox.findIndex((message) => message.type === type);
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as T);
      if (exited) return Promise.reject(new Error(`${entry} exited with ${exited.code} before sending "${type}"`));
      return new Promise<T>((resolve, reject) => waiting.push({ type, resolve: resolve as (message: ChildMessage) => void, reject }));
    },
    send(message) {
      child.send(message);
    },
    async stop(ask) {
      if (!exited && ask && child.connected) {
        child.send(ask);
        await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      }
      if (!exited) child.kill('SIGTERM');
      return exit;
    },
  };
}

/** In a child: sends a message to the benchmark that started it; resolves once it was handed over. */
export function tellParent(message: ChildMessage): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!process.send) return reject(new Error('not started by a benchmark (no IPC channel)'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

/** In a child: the next message of this type from the benchmark. */
export function fromParent<T extends ChildMessage = ChildMessage>(type: string): Promise<T> {
  return new Promise<T>((resolve) => {
    const listener = (raw: unknown) => {
      const message = raw as ChildMessage;
      if (message.type !== type) return;
      process.off('message', listener);
      resolve(message as T);
    };
    process.on('message', listener);
  });
}
