import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportClientEvent } from '../../lib/observability/client-log.ts';
import { logLinesOf } from '../support/log-scan.ts';

/** The structured log lines written during a test (the log guard still reads them). */
let lines: string[] = [];
let restore = () => {};
beforeEach(() => {
  lines = [];
  const writes = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      lines.push(...logLinesOf(String(chunk)));
      return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
    return () => { stream.write = write; };
  });
  restore = () => writes.forEach((undo) => undo());
});
afterEach(() => restore());

describe('CSMART client events in the log', () => {
  it('names the refusal text a re-login was made for, so it can be added to CSMART_ERROR_TEXTS', () => {
    reportClientEvent({ type: 'relogin', module: 'Products', action: 'List', refusal: 'Odmowa dostępu (kod 401).' });
    const [line] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({ level: 'WARN', module: 'Products', action: 'List', refusal: 'Odmowa dostępu (kod 401).' });
    expect(line?.message).toContain('CSMART_ERROR_TEXTS');
  });

  it('keeps the plain re-login line for a token refused in known words', () => {
    reportClientEvent({ type: 'relogin', module: 'Products', action: 'List' });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'CSMART refused the token; logging in again', module: 'Products' }),
    ]);
  });
});
