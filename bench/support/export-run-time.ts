/**
 * Child entry of bench/export: the whole nightly export (streamed List, NDJSON, CSV, hashes, diff, index)
 * against fetch + `JSON.parse` + gzip of the same List, alternating, in a fresh process that holds nothing
 * else — as the export function runs. In the bench's own process, which keeps the parsed records for the
 * writers' figures, every major GC also marks those records and the whole run looked 0.7–0.8× slower.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { createCsmartClient } from '../../lib/csmart/client.ts';
import { createLocalSnapshotStore } from '../../lib/export/local-snapshot-store.ts';
import { runExport } from '../../lib/export/run-export.ts';
import { tellParent } from './child.ts';
import { demoCredentials, fetchListBytes, withoutBom } from './csmart-list.ts';
import { alternatingRounds, type Timing } from './timing.ts';

export type ExportRunTimeResult = { type: 'result'; baseline: Timing; run: Timing };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const gzipAsync = promisify(gzip);
const endpoint = process.env.BENCH_SANDBOX_URL ?? '';
const month = process.env.BENCH_EXPORT_MONTH ?? '';
const client = createCsmartClient({ credentials: async () => demoCredentials(endpoint) });
const store = createLocalSnapshotStore(process.env.BENCH_EXPORT_DIR ?? '');
let day = 1;

const contenders = {
  // The List fetched bare (login included), parsed and gzipped (zlib's default level, one async call).
  baseline: async () => {
    const answer = await fetchListBytes(endpoint, 'Accounts');
    JSON.parse(withoutBom(answer.toString('utf8')));
    await gzipAsync(answer);
  },
  // Each run is the next night's, diffing against the one before (nothing changed: the nightly norm).
  run: async () => {
    const date = `${month}-${String(day++).padStart(2, '0')}`;
    const run = await runExport({ modules: ['Accounts'], listStream: (module) => client.listStream(module), store, date, domain: 'bench', now: () => new Date() });
    if (run.results[0]?.status !== 'ok') throw new Error(`the export failed: ${JSON.stringify(run.results[0]?.error)}`);
  },
};
// A first run of each is a warm-up (and gives the first night its baseline).
for (const warm of Object.values(contenders)) await warm();
const timing = await alternatingRounds(Number(process.env.BENCH_ROUNDS ?? 5), 'baseline', contenders, { settle: gc });
const message: ExportRunTimeResult = { type: 'result', baseline: timing.baseline, run: timing.run };
await tellParent(message);
process.exit(0);
