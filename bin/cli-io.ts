import type { Writable } from 'node:stream';

/** What a command may touch: its output streams and environment. Injected so tests run commands in-process. */
export type CliIo = { out: Writable; err: Writable; env: Readonly<Record<string, string | undefined>> };

/** A wrong command line: exit code 2 and the usage hint. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'usage';
}

export const EXIT = { ok: 0, failed: 1, usage: 2, config: 3 } as const;

export function println(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
