import { afterEach, beforeEach } from 'vitest';

/** One metric line in CloudWatch's embedded metric format, as Powertools writes it to stdout. */
export type EmfLine = { _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[] } } & Record<string, unknown>;

/**
 * Collects the metric lines written to stdout during each test of the file (the log guard still sees
 * them; `passThrough: false` keeps them off stdout altogether). Call at the top of a test file.
 */
export function useMetricLines(options: { passThrough?: boolean } = {}): () => EmfLine[] {
  let written: string[] = [];
  let restore = () => {};
  beforeEach(() => {
    written = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return options.passThrough === false ? true : (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    }) as typeof process.stdout.write;
    restore = () => { process.stdout.write = write; };
  });
  afterEach(() => restore());
  return () => written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{"_aws"')).map((line) => JSON.parse(line) as EmfLine);
}
