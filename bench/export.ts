/**
 * bench/export — the export of 100,000 and 300,000 synthetic clients served by the sandbox (run with
 * `npm run bench -- export`): time of the NDJSON and CSV writers and of the whole run (the streamed List
 * included) against fetch + `JSON.parse` + gzip of the same bytes, peak memory against the JSON
 * received (beside the streamed List alone, the floor under it, and above a 1,000-client export, the part of a
 * run that does not grow with CSMART's size), the diff's time, and one run of 1,000,000 clients in a fresh process.
 * Prints ratios and counts, never asserts: machines are noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzip, gzipSync } from 'node:zlib';
import type { CsmartRecord } from '../lib/csmart/modules.ts';
import { ListRecordReader, type ListedRecord } from '../lib/csmart/list-stream.ts';
import { csvHeader, csvRow } from '../lib/export/csv.ts';
import { resolveChanges } from '../lib/export/changes.ts';
import { DEFAULT_EXPORT_SETTINGS } from '../lib/export/constants.ts';
import { diffSnapshots } from '../lib/export/diff.ts';
import { describeFields } from '../lib/export/field-schema.ts';
import { ChunkedGzipWriter } from '../lib/export/gzip-stream.ts';
import { HashList } from '../lib/export/hash-list.ts';
import { readNdjsonLines, writeNdjson } from '../lib/export/ndjson.ts';
import { contentHash } from '../lib/export/record-hash.ts';
import { decodeSnapshotIndex, encodeSnapshotIndex, type SnapshotIndex } from '../lib/export/snapshot-index.ts';
import { startBenchChild, type ChildMessage } from './support/child.ts';
import { fetchListBytes, withoutBom } from './support/csmart-list.ts';
import type { ExportMemoryResult } from './support/export-memory.ts';
import type { ExportRunTimeResult } from './support/export-run-time.ts';
import { bundle, lambdaHeapFlags, median } from './support/measure.ts';
import { startSandboxProcess } from './support/sandbox-process.ts';
import { alternatingRounds, wallOf } from './support/timing.ts';

const gzipAsync = promisify(gzip);
const hasher = await contentHash();
// A full GC before each contender (untimed): each pays for its own garbage, not for what the one before left.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const fmt = (n: number) => n.toLocaleString('en-US');
const fmtMb = (n: number) => `${fmt(n)} MB`;
/** The export function's memory (serverless.yml), and the heap settings its memory is measured under, Lambda's first. */
const EXPORT_MEMORY_MB = 1024;
const MEMORY_SETTINGS = [
  [`with the V8 flags Lambda gives its ${fmtMb(EXPORT_MEMORY_MB)} (${lambdaHeapFlags(EXPORT_MEMORY_MB).join(' ')})`, lambdaHeapFlags(EXPORT_MEMORY_MB)],
  ["with V8's default heap", []],
  ['with 4 MB semi-spaces', ['--max-semi-space-size=4']],
] as const satisfies ReadonlyArray<readonly [string, readonly string[]]>;
/** BENCH_EXPORT_MEMORY_ONLY=1: the memory part alone (no timings, no diff, no 1,000,000 run). */
const MEMORY_ONLY = process.env.BENCH_EXPORT_MEMORY_ONLY === '1';
/** BENCH_EXPORT_SKIP_MILLION=1: everything but the run of 1,000,000 clients (its sandbox takes a minute to build). */
const SKIP_MILLION = process.env.BENCH_EXPORT_SKIP_MILLION === '1';
/** Pairs of fresh processes (the List alone, a whole export) per size, with Lambda's flags. */
const MEMORY_PAIRS = Number(process.env.BENCH_EXPORT_MEMORY_PAIRS ?? 3);
/** The memory child bundled as the function is (built while the first sandbox starts). */
const exportMemoryBundle = bundle('bench/support/export-memory.ts', { format: 'esm' }).then(({ file }) => file);
/**
 * The sizes measured. 1,000 clients (0.14 MB of JSON) for memory only: what a run costs whatever CSMART's size
 * (Node's and V8's own code paged in, zlib's state, first calls), which the larger sizes are also shown above.
 */
const SIZES = [{ count: 1_000, rounds: 0 }, { count: 100_000, rounds: 7 }, { count: 300_000, rounds: 5 }] as const;
/** Peak RSS growth of a whole export with Lambda's heap flags per size (medians), for the growth per extra byte of JSON. */
const growthBySize: Array<{ count: number; bytes: number; growth: number }> = [];
/** The 1,000-client export's growth (median of the pairs, and bundled), subtracted from the larger sizes'. */
let fixedPart: { bytes: number; whole: number; bundled: number } | undefined;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

for (const { count, rounds } of SIZES) {
  const sandbox = await startSandboxProcess({ SANDBOX_SYNTHETIC_ACCOUNTS: String(count) });
  const dir = mkdtempSync(join(tmpdir(), 'csmart-bench-export-'));
  const smallest = count === SIZES[0].count;
  try {
    // The first List makes the sandbox encode (and cache) its answer; these are the bytes every run receives.
    const bytes = await fetchListBytes(sandbox.url, 'Accounts');
    console.log(`${fmt(count)} accounts: List answer ${mb(bytes.length)} of JSON${smallest ? ': the part of a run that does not grow with CSMART\'s size' : ''}`);
    if (!MEMORY_ONLY && !smallest) await writerTimes(sandbox.url, dir, bytes, count, rounds);

    let day = 1;
    const date = () => `2026-04-${String(day++).padStart(2, '0')}`;
    const times = (growth: number) => `${(growth / bytes.length).toFixed(2)}×`;
    const code = (memory: ExportMemoryResult) => `${mb(memory.codeGrowth)} of it Node's own code paged in`;
    if (!smallest) {
      console.log(`  peak memory growth of a whole export in a fresh process, as a multiple of the ${mb(bytes.length)} received (goal ≤ 1.0):`);
      // V8 sizes its heap from the memory it may use. The export function runs with the flags Lambda gives its
      // 1,024 MB (semi-spaces of up to 51 MB); V8's defaults on this machine, and semi-spaces capped at 4 MB,
      // are shown beside them.
      for (const [label, flags] of MEMORY_SETTINGS) {
        const memory = await exportMemory(sandbox.url, dir, date(), flags);
        const growth = memory.rssPeak - memory.rssStart;
        console.log(`    ${label}: RSS +${mb(growth)} = ${times(growth)} (in ${(memory.ms / 1000).toFixed(1)} s);`
          + ` V8 heap + external, sampled every 2 ms (a lower bound): +${mb(memory.heapPeak - memory.heapStart)} = ${times(memory.heapPeak - memory.heapStart)}`);
      }
    }
    // The floor: the streamed List alone (records parsed, then dropped), which any export built on it reads,
    // beside whole exports, in fresh processes taken in turns (V8 sizes its young generation by chance).
    const lambda = MEMORY_SETTINGS[0][1];
    const alone: number[] = [];
    const whole: number[] = [];
    const wholeCode: number[] = [];
    for (let pair = 0; pair < MEMORY_PAIRS; pair++) {
      const list = await exportMemory(sandbox.url, dir, date(), lambda, 'list');
      const run = await exportMemory(sandbox.url, dir, date(), lambda);
      alone.push(list.rssPeak - list.rssStart);
      whole.push(run.rssPeak - run.rssStart);
      wholeCode.push(run.codeGrowth);
    }
    const spread = (values: number[]) => smallest
      ? `${values.map((value) => `+${mb(value)}`).join(', ')}`
      : `${values.map(times).join(', ')} (median ${times(median(values))})`;
    console.log(`    with Lambda's flags, ${MEMORY_PAIRS} pairs of fresh processes: the streamed List alone ${spread(alone)}; the whole export ${spread(whole)} (median ${mb(median(wholeCode))} of it Node's own code paged in)`);
    // The same from a bundle, without the tsx loader, as the function runs: Node's own code (V8's optimising
    // compilers, zlib, the HTTP parser) is then paged in during the run, where the loader had already touched most of it.
    const bundled = await exportMemoryBundle;
    const bundledList = await exportMemory(sandbox.url, dir, date(), lambda, 'list', bundled);
    const bundledRun = await exportMemory(sandbox.url, dir, date(), lambda, 'export', bundled);
    const bundledGrowth = bundledRun.rssPeak - bundledRun.rssStart;
    const shown = (growth: number) => (smallest ? `+${mb(growth)}` : times(growth));
    console.log(`    bundled, without the tsx loader, as the function runs: the streamed List alone ${shown(bundledList.rssPeak - bundledList.rssStart)} (${code(bundledList)});`
      + ` the whole export ${shown(bundledGrowth)} (${code(bundledRun)})`);
    growthBySize.push({ count, bytes: bytes.length, growth: median(whole) });
    if (smallest) fixedPart = { bytes: bytes.length, whole: median(whole), bundled: bundledGrowth };
    else if (fixedPart) {
      const extra = bytes.length - fixedPart.bytes;
      const above = (growth: number, fixed: number) => `+${mb(growth - fixed)} = ${((growth - fixed) / extra).toFixed(2)}×`;
      console.log(`    above the ${fmt(SIZES[0].count)}-client export, for its ${mb(extra)} more JSON: ${above(median(whole), fixedPart.whole)} (medians); bundled ${above(bundledGrowth, fixedPart.bundled)}`);
    }

    if (count === 100_000 && !MEMORY_ONLY) await diffTime(readListed(bytes).map((l) => l.record));
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The writers' and the whole run's time against JSON.parse + gzip of the same bytes, printed. */
async function writerTimes(endpoint: string, dir: string, bytes: Buffer, count: number, rounds: number): Promise<void> {
  const text = withoutBom(bytes.toString('utf8'));
  // The records as the streamed List hands them out (parsed, and each one's own bytes), for the writers alone.
  const listed = readListed(bytes);
  const records = listed.map((l) => l.record);
  const fields = describeFields(records).map((field) => field.name);
  if (count === SIZES[0].count) gzipLevels(listed, fields);
  const writeNdjsonLines = async (writer: ChunkedGzipWriter) => {
    const hashes = new HashList(hasher.kind, 64 * 1024);
    for (const { record, bytes: line } of listed) {
      const waiting = writer.writeLineBytes(line);
      hashes.add(record.id, line, hasher);
      if (waiting) await waiting;
    }
  };
  const writeCsvRows = async (writer: ChunkedGzipWriter) => {
    writer.write(csvHeader(fields));
    for (const record of records) {
      const waiting = writer.write(csvRow(record, fields));
      if (waiting) await waiting;
    }
  };
  const contenders = {
    // The baseline: parse the text the client received, gzip the bytes (one async zlib call).
    'parse+gzip': async () => { JSON.parse(text); await gzipAsync(bytes); },
    // The List reader alone: each record's bounds found, a chunk's run of whole records given to one JSON.parse.
    reader: async () => { readListed(bytes); },
    // Each record's own bytes and a line feed, XXH64 of the bytes: what the export writes (at its gzip level).
    ndjson: () => intoNullSink(writeNdjsonLines),
    // The same at zlib's default level 6, as the export wrote before (for comparison).
    ndjson6: () => intoNullSink(writeNdjsonLines, 6),
    // The first writer: JSON.stringify per record and a hash of the text (for comparison).
    restringified: () => intoNullSink((writer) => writeNdjson(records, writer, hasher)),
    csv: () => intoNullSink(writeCsvRows),
    csv6: () => intoNullSink(writeCsvRows, 6),
  };
  for (const warm of Object.values(contenders)) await warm();
  const r = await alternatingRounds(rounds, 'parse+gzip', contenders, { settle: collectGarbage });
  const base = r['parse+gzip'];
  const line = (label: string, key: keyof typeof contenders, goal: string) =>
    console.log(`    ${label.padEnd(50)}${r[key].ratio.toFixed(2)}× wall (${r[key].ms.toFixed(0)} vs ${base.ms.toFixed(0)} ms), `
      + `${r[key].cpuRatio.toFixed(2)}× CPU (${r[key].cpuMs.toFixed(0)} vs ${base.cpuMs.toFixed(0)} ms)${goal}`);
  console.log(`  time as a ratio to JSON.parse + gzip of the same bytes in this process (median of ${rounds} alternating rounds, a full GC before each):`);
  line('List reader (record bounds + JSON.parse a run)', 'reader', '');
  line('NDJSON writer (own bytes, XXH64 + id kept, gzip)', 'ndjson', '; goal ≤ 0.75');
  line('  the same at gzip level 6 (before)', 'ndjson6', '');
  line('  JSON.stringify + hash per line (reference)', 'restringified', '');
  line('CSV writer (cells, quoting, gzip)', 'csv', '; goal ≤ 1.0');
  line('  the same at gzip level 6 (before)', 'csv6', '');
  const whole = await exportRunTime(endpoint, dir, '2026-03', rounds);
  console.log(`    ${'whole runExport vs fetch + JSON.parse + gzip'.padEnd(50)}${whole.run.ratio.toFixed(2)}× wall (${whole.run.ms.toFixed(0)} vs ${whole.baseline.ms.toFixed(0)} ms), `
    + `${whole.run.cpuRatio.toFixed(2)}× CPU (${whole.run.cpuMs.toFixed(0)} vs ${whole.baseline.cpuMs.toFixed(0)} ms), in a fresh process holding nothing else, `
    + `${rounds} alternating rounds (the sandbox runs apart); goal ≤ 1.5`);
}

/** The records of a List answer as the client's streamed List hands them out, read in 64 KB chunks. */
function readListed(bytes: Buffer): ListedRecord[] {
  const reader = new ListRecordReader({ module: 'Accounts', status: 200, secrets: [] });
  const out: ListedRecord[] = [];
  for (let at = 0; at < bytes.length; at += 65536) for (const listed of reader.push(bytes.subarray(at, at + 65536))) out.push(listed);
  reader.end();
  return out;
}

/** The size cost of the export's gzip level (zlib's fastest) against the default level 6, for the NDJSON and the CSV. */
function gzipLevels(listed: readonly ListedRecord[], fields: readonly string[]): void {
  const ndjson = Buffer.concat(listed.flatMap(({ bytes }) => [bytes, Buffer.from('\n')]));
  const csv = Buffer.from(csvHeader(fields) + listed.map(({ record }) => csvRow(record, fields)).join(''));
  const sizes = (data: Buffer) => {
    const fast = gzipSync(data, { level: DEFAULT_EXPORT_SETTINGS.gzipLevel }).length;
    const normal = gzipSync(data, { level: 6 }).length;
    return `${mb(fast)} vs ${mb(normal)} (+${((fast / normal - 1) * 100).toFixed(0)}%)`;
  };
  console.log(`  gzipped at the export's level ${DEFAULT_EXPORT_SETTINGS.gzipLevel} vs zlib's default 6: NDJSON ${sizes(ndjson)}, CSV ${sizes(csv)}`);
}

/** Writes through a ChunkedGzipWriter (at the export's gzip level) whose gzipped output is read and dropped. */
async function intoNullSink(write: (writer: ChunkedGzipWriter) => Promise<unknown>, level: number = DEFAULT_EXPORT_SETTINGS.gzipLevel): Promise<void> {
  const writer = new ChunkedGzipWriter({ level });
  writer.output.resume();
  await write(writer);
  await writer.end();
}

/** The whole export against fetch + parse + gzip, nights of `month` in `dir`, timed in a fresh process. */
async function exportRunTime(endpoint: string, dir: string, month: string, rounds: number): Promise<ExportRunTimeResult> {
  const child = startBenchChild('bench/support/export-run-time.ts', {
    env: { ...process.env, BENCH_SANDBOX_URL: endpoint, BENCH_EXPORT_DIR: dir, BENCH_EXPORT_MONTH: month, BENCH_ROUNDS: String(rounds) },
    execArgv: ['--expose-gc'], stdout: 'inherit',
  });
  try {
    return await child.next<ExportRunTimeResult & ChildMessage>('result');
  } finally {
    await child.stop();
  }
}

/** One nightly export's memory (or its List's alone), in a fresh process per run so the figures are clean; `bundled`: that entry, run without tsx. */
async function exportMemory(
  endpoint: string, dir: string, date: string, heapFlags: readonly string[], part: 'export' | 'list' = 'export', bundled?: string,
): Promise<ExportMemoryResult> {
  const child = startBenchChild(bundled ?? 'bench/support/export-memory.ts', {
    env: { ...process.env, BENCH_SANDBOX_URL: endpoint, BENCH_EXPORT_DIR: dir, BENCH_EXPORT_DATE: date, BENCH_EXPORT_PART: part },
    execArgv: ['--expose-gc', ...heapFlags], stdout: 'inherit', typescript: bundled === undefined,
  });
  try {
    return await child.next<ExportMemoryResult & ChildMessage>('result');
  } finally {
    await child.stop();
  }
}

/**
 * The diff stage of a nightly export of 100,000 records, 1% of them changed (1,000 updates): decoding
 * yesterday's index, the hash diff, reading the 1,000 previous versions from yesterday's gzipped NDJSON,
 * and resolving them into changes with the changed fields.
 */
async function diffTime(records: readonly CsmartRecord[]): Promise<void> {
  const changed = records.map((record, i) => (i % 100 === 50 ? { ...record, city: `${String(record.city)} (zmiana)` } : record));
  const [previousNdjson, previous] = await gzippedNdjson(records);
  const current = await gzippedNdjson(changed).then(([, hashes]) => hashes);
  const index: SnapshotIndex = { module: 'Accounts', date: '2026-03-01', ndjson: 'prev.ndjson.gz', records: previous };
  const encodedIndex = encodeSnapshotIndex(index);
  // The index as written before (gzipped JSON), which a night after the upgrade reads once.
  const legacyIndex = gzipSync(JSON.stringify({ version: 1, ...index, records: undefined, ids: previous.allIds(), hashes: previous.allHashes() }), { level: 1 });
  const location = { bucket: 'bench', key: 'now.ndjson.gz' };

  const samples = { decode: [] as number[], legacy: [] as number[], diff: [] as number[], read: [] as number[], resolve: [] as number[] };
  let summary = '';
  for (let i = 0; i < 11; i++) {
    let decoded: SnapshotIndex | undefined;
    samples.decode.push(await wallOf(async () => { decoded = decodeSnapshotIndex(encodedIndex); }));
    samples.legacy.push(await wallOf(async () => { decodeSnapshotIndex(legacyIndex); }));
    let diff = diffSnapshots(decoded?.records, current);
    samples.diff.push(await wallOf(async () => { diff = diffSnapshots(decoded?.records, current); }));
    const lines = [...diff.updated.map((u) => u.previousLine), ...diff.deleted.map((d) => d.previousLine)];
    let previousRecords = new Map<number, CsmartRecord>();
    samples.read.push(await wallOf(async () => { previousRecords = await readNdjsonLines(Readable.from([previousNdjson]), lines); }));
    let resolved: ReturnType<typeof resolveChanges> | undefined;
    samples.resolve.push(await wallOf(async () => {
      resolved = resolveChanges({ diff, records: changed, current, previous: decoded?.records, previousRecords, previousHasher: hasher, currentNdjson: location, previousNdjson: { ...location, key: 'prev.ndjson.gz' } });
    }));
    summary = `${resolved!.updated} updated, ${resolved!.created} created, ${resolved!.deleted} deleted, ${resolved!.unchanged} unchanged`;
  }
  const m = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)])) as Record<keyof typeof samples, number>;
  const total = m.decode + m.diff + m.read + m.resolve;
  console.log(`  index of ${fmt(records.length)} records: ${(encodedIndex.length / 1024 / 1024).toFixed(1)} MB binary (read as views), vs ${(legacyIndex.length / 1024 / 1024).toFixed(1)} MB of gzipped JSON before`);
  console.log(`  diff of ${fmt(records.length)} records against a snapshot with 1% changed (${summary}; median of 11):`);
  console.log(`    ${total.toFixed(0)} ms in all = index decode ${m.decode.toFixed(1)} ms (the earlier JSON index: ${m.legacy.toFixed(0)} ms) + hash diff ${m.diff.toFixed(0)} ms`
    + ` + reading the previous versions from yesterday's NDJSON ${m.read.toFixed(0)} ms + changed fields ${m.resolve.toFixed(1)} ms`);
}

/** The gzipped NDJSON of the records and their hashes, as the export writes them. */
async function gzippedNdjson(records: readonly CsmartRecord[]): Promise<[Buffer, HashList]> {
  const writer = new ChunkedGzipWriter();
  const chunks: Buffer[] = [];
  writer.output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const hashes = await writeNdjson(records, writer, hasher);
  await writer.end();
  return [Buffer.concat(chunks), hashes];
}

// 1,000,000 clients (about 140 MB of JSON): one nightly export in a fresh process, as the export
// function runs it (streamed List, S3-like store in a folder), against its 1,024 MB and 15 minutes.
if (!MEMORY_ONLY && !SKIP_MILLION) {
  const count = 1_000_000;
  const sandbox = await startSandboxProcess({ SANDBOX_SYNTHETIC_ACCOUNTS: String(count) });
  const dir = mkdtempSync(join(tmpdir(), 'csmart-bench-export-'));
  try {
    const bytes = (await fetchListBytes(sandbox.url, 'Accounts')).length;
    const lambda = MEMORY_SETTINGS[0][1];
    const first = await exportMemory(sandbox.url, dir, '2026-05-01', lambda);
    const second = await exportMemory(sandbox.url, dir, '2026-05-02', lambda);
    const third = await exportMemory(sandbox.url, dir, '2026-05-03', []);
    console.log(`${fmt(count)} accounts: List answer ${mb(bytes)} of JSON, exported in a fresh process with Lambda's flags for ${fmtMb(EXPORT_MEMORY_MB)} (timeout 15 min):`);
    for (const [label, m] of [['first night (no baseline)', first], ['next night (diff, nothing changed)', second], ["next night, V8's default heap", third]] as const) {
      console.log(`    ${label.padEnd(36)}${(m.ms / 1000).toFixed(1)} s, peak RSS ${mb(m.rssPeak)} (+${mb(m.rssPeak - m.rssStart)} = ${((m.rssPeak - m.rssStart) / bytes).toFixed(2)}× the JSON)`);
    }
    growthBySize.push({ count, bytes, growth: second.rssPeak - second.rssStart });
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// What grows with the data, the part a run costs whatever its size (code, zlib, first calls) left out.
if (growthBySize.length > 1) {
  const steps = growthBySize.slice(1).map((m, i) => {
    const before = growthBySize[i]!;
    return `${fmt(before.count)} → ${fmt(m.count)}: +${mb(m.growth - before.growth)} for +${mb(m.bytes - before.bytes)} = ${((m.growth - before.growth) / (m.bytes - before.bytes)).toFixed(2)}×`;
  });
  console.log(`peak RSS growth of a whole export per extra byte of JSON received, with Lambda's flags (each run diffs against the night before): ${steps.join('; ')}`);
}
