import { afterAll, expect } from 'vitest';
import { logLinesOf, scanLogLine } from './log-scan.ts';

/**
 * Runs around every test file: reads every structured log line the code writes (the functions log
 * through Powertools to stdout) and fails the file if one carries an e-mail address, a phone number,
 * a token, hash, password or any secret the tests use (log-scan.ts). A file that runs the functions
 * calls `expectLogLines()`: then it fails too when no log line was seen at all — a guard that reads
 * nothing proves nothing. The lines are held back from the terminal unless LOG_ECHO=1.
 */
type GuardState = { violations: string[]; lines: number; expectLines: boolean; installed: boolean };
const state: GuardState = ((globalThis as { __csmartLogGuard?: GuardState }).__csmartLogGuard ??= { violations: [], lines: 0, expectLines: false, installed: false });

/** How many structured log lines the guard has read in this file so far. */
export function seenLogLines(): number {
  return state.lines;
}

/** Declares that this test file runs code that logs: the guard then fails the file if it saw no log line. */
export function expectLogLines(): void {
  state.expectLines = true;
}

if (!state.installed) {
  state.installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      const logs = logLinesOf(text);
      for (const line of logs) {
        state.lines++;
        for (const problem of scanLogLine(line)) state.violations.push(`${problem} in ${line.slice(0, 300)}`);
      }
      if (logs.length > 0 && !process.env.LOG_ECHO) {
        const other = text.split('\n').filter((line) => !logs.includes(line)).join('\n');
        if (other.trim() !== '') return write(other, ...rest);
        // Swallowed whole: still tell a waiting writer that it is done.
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }

  afterAll(() => {
    if (state.expectLines) expect(state.lines, 'the log guard saw no log line at all: the functions\' logs did not reach it').toBeGreaterThan(0);
    expect(state.violations, `${state.violations.length} of ${state.lines} log lines carry personal data or secrets`).toEqual([]);
  });
}
