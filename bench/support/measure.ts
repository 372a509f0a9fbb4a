import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** CPU time (user + system, µs) that `work` takes in this process. */
export async function cpuOf(work: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/**
 * Bundles an entry as serverless.yml bundles the functions (minified CommonJS for Node 24, the SDK's ES module build,
 * `import()` written as `require()`). `dynamicImport: true` keeps `import()` as it was before, for comparison;
 * `format: 'esm'` writes an ES module instead, for a bench child that awaits at its top level.
 */
export async function bundle(entry: string, options: { external?: string[]; dynamicImport?: boolean; format?: 'cjs' | 'esm' } = {}): Promise<{ file: string; bytes: number }> {
  const format = options.format ?? 'cjs';
  const dir = mkdtempSync(join(tmpdir(), 'csmart-bench-'));
  const file = join(dir, format === 'esm' ? 'handler.mjs' : 'handler.cjs');
  await build({
    entryPoints: [entry], outfile: file, bundle: true, minify: true, keepNames: true, platform: 'node', target: 'node24', format,
    mainFields: ['module', 'main'], supported: { 'dynamic-import': options.dynamicImport ?? false }, external: options.external ?? [], logLevel: 'silent',
    // CommonJS dependencies bundled into an ES module still call `require`.
    ...(format === 'esm' ? { banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } } : {}),
  });
  return { file, bytes: statSync(file).size };
}

/** Writes a throwaway module and returns its path. */
export function scratchModule(source: string, name = 'entry.ts'): string {
  const dir = mkdtempSync(join(process.cwd(), 'bench/.scratch-'));
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

/**
 * Median wall time (ms) of a fresh Node process that imports a module and exits — what a cold start
 * pays for the code — over `runs` runs, alternating between the files so drift hits all alike.
 */
export function importTimes(files: string[], runs = 21): number[] {
  return alternatingMedians(files, runs, (file) => {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, ['--input-type=module', '-e', 'await import(process.argv[1])', file]);
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
}

/** The median of each file's samples over `runs` rounds, one sample of each file per round, so drift hits all alike. */
export function alternatingMedians(files: string[], runs: number, sample: (file: string) => number): number[] {
  const samples = files.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) files.forEach((file, index) => samples[index]!.push(sample(file)));
  return samples.map(median);
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
export const ratio = (a: number, b: number) => (a / b).toFixed(2);

/**
 * The V8 heap flags Lambda's Node.js runtime starts a function of this memory size with (its bootstrap: new
 * space a tenth of the memory, split into two semi-spaces, and old space the rest), so that a bench child
 * collects garbage as the function would instead of letting it pile up in this machine's larger heap.
 */
export const lambdaHeapFlags = (memoryMb: number) => [`--max-semi-space-size=${Math.floor(memoryMb / 10 / 2)}`, `--max-old-space-size=${memoryMb - Math.floor(memoryMb / 10)}`];
