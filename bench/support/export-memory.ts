/**
 * Child entry of bench/export: memory of one Accounts export in a fresh process (started with
 * --expose-gc), so nothing the bench itself holds, and no heap an earlier run grew, is counted. The
 * export goes into the bench's folder, which holds earlier nights' snapshots: it diffs against the last
 * one, as the nightly run does. With BENCH_EXPORT_PART=list it reads the streamed List alone (each
 * batch of parsed records dropped), the floor under any export built on it.
 *
 * RSS peaks come from the kernel (VmHWM, reset through /proc/self/clear_refs), which sees every peak,
 * also inside a long synchronous JSON.parse; V8's heap + external memory is sampled every 2 ms, which
 * cannot run during such a stretch, so it is a lower bound. The growth of file-backed RSS (RssFile) is the
 * part that is Node's and V8's own code, paged in from the node binary on first use (V8's optimising
 * compilers, zlib, the HTTP parser): what a run costs whatever its size, and whatever the export does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createCsmartClient } from '../../lib/csmart/client.ts';
import type { ModuleName } from '../../lib/csmart/modules.ts';
import { createLocalSnapshotStore } from '../../lib/export/local-snapshot-store.ts';
import { runExport } from '../../lib/export/run-export.ts';
import { tellParent } from './child.ts';
import { demoCredentials } from './csmart-list.ts';

export type ExportMemoryResult = {
  type: 'result';
  /** RSS when the measured run started (after a full GC). */
  rssStart: number;
  /** Highest RSS from the start until the export finished (List, NDJSON, CSV, diff, index, manifest). */
  rssPeak: number;
  heapStart: number;
  heapPeak: number;
  /** Growth of file-backed RSS from the start to the end: the node binary's own code paged in during the run. */
  codeGrowth: number;
  count: number;
  /** Wall time of the run. */
  ms: number;
};

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
// Writing 5 resets the peak RSS (VmHWM) to the current RSS (Linux ≥ 4.0).
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');
const heapNow = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};

const endpoint = process.env.BENCH_SANDBOX_URL ?? '';
const client = createCsmartClient({ credentials: async () => demoCredentials(endpoint) });
const store = createLocalSnapshotStore(process.env.BENCH_EXPORT_DIR ?? '');

gc();
await new Promise((resolve) => setTimeout(resolve, 50));
const rssStart = process.memoryUsage().rss;
const codeStart = kib('RssFile');
const heapStart = heapNow();
let heapPeak = heapStart;
const sampler = setInterval(() => { heapPeak = Math.max(heapPeak, heapNow()); }, 2);
resetPeak();
const started = performance.now();
const count = process.env.BENCH_EXPORT_PART === 'list' ? await listAlone() : await exportRun();
const ms = performance.now() - started;
const rssPeak = kib('VmHWM');
const codeGrowth = kib('RssFile') - codeStart;
heapPeak = Math.max(heapPeak, heapNow());
clearInterval(sampler);
const message: ExportMemoryResult = { type: 'result', rssStart, rssPeak, heapStart, heapPeak, codeGrowth, count, ms };
await tellParent(message);
process.exit(0);

async function exportRun(): Promise<number> {
  const run = await runExport({
    modules: ['Accounts'],
    listStream: (module: ModuleName) => client.listStream(module),
    store, date: process.env.BENCH_EXPORT_DATE ?? '', domain: 'bench', now: () => new Date(),
  });
  const result = run.results[0];
  if (result?.status !== 'ok') throw new Error(`the export failed: ${result?.error?.code} ${result?.error?.message}`);
  return result.count;
}

async function listAlone(): Promise<number> {
  let count = 0;
  for await (const batch of client.listStream('Accounts')) count += batch.length;
  return count;
}
