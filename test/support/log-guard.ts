import { afterAll, expect } from 'vitest';
import { logLinesOf, scanLogLine } from './log-scan.ts';

/**
 * Runs around every test file: reads every structured log line the code writes (the functions log
 * through Powertools to stdout) and fails the file if one carries an e-mail address, a phone number,
 * a token, hash, password or webhook secret. The lines are held back from the terminal unless
 * LOG_ECHO=1, so test output stays readable.
 */
const violations: string[] = [];
let lines = 0;

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    const logs = logLinesOf(text);
    for (const line of logs) {
      lines++;
      for (const problem of scanLogLine(line)) violations.push(`${problem} in ${line.slice(0, 300)}`);
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
  expect(violations, `${violations.length} of ${lines} log lines carry personal data or secrets`).toEqual([]);
});
