/**
 * bench/list — how a List answer is read record by record (run with `npm run bench -- list`): the npm
 * streaming JSON parsers against the client's record reader, each as a multiple of one `JSON.parse`
 * of the whole answer; the content hash candidates per record; and the worker's account directory,
 * memory with 300,000 clients against 1,000. Prints ratios and counts, never asserts.
 */
import { execFileSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { JSONParser } from '@streamparser/json';
import chain from 'stream-chain';
import { parser as streamJsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { ListRecordReader } from '../lib/csmart/list-stream.ts';
import { contentHash } from '../lib/export/record-hash.ts';
import { syntheticAccount } from '../sandbox/seed.ts';
import { startBenchChild, type ChildMessage } from './support/child.ts';
import type { DirectoryMemoryResult } from './support/directory-memory.ts';
import { lambdaHeapFlags, median } from './support/measure.ts';
import { startSandboxProcess } from './support/sandbox-process.ts';

// Two parsers without types of their own: the little of their API used here.
type JsonparseParser = { onValue: (this: { stack: unknown[] }, value: unknown) => void; write(chunk: Uint8Array): void };
type ClarinetParser = { onopenobject: () => void; oncloseobject: () => void; onvalue: () => void; onkey: () => void; write(text: string): void; close(): void };
const require = createRequire(import.meta.url);
const Jsonparse = require('jsonparse') as new () => JsonparseParser;
const clarinet = require('clarinet') as { parser(): ClarinetParser };

const COUNT = 100_000;
const CHUNK = 64 * 1024;
const records = Array.from({ length: COUNT }, (_, i) => JSON.stringify(syntheticAccount(i + 1)));
const answer = Buffer.from(`\uFEFF{"error":"","data":[${records.join(',')}]}`);
const chunks: Buffer[] = [];
for (let at = 0; at < answer.length; at += CHUNK) chunks.push(answer.subarray(at, at + CHUNK));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function cpuMs(work: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Each candidate hands every record to a callback as an object, as the export needs them. */
const parsers: Record<string, () => Promise<number> | number> = {
  'JSON.parse of the whole answer (reference)': () => (JSON.parse(answer.toString('utf8', 3)) as { data: unknown[] }).data.length,
  'record reader: bounds + one JSON.parse a run (chosen)': () => {
    const reader = new ListRecordReader({ module: 'Accounts', status: 200, secrets: [] });
    let n = 0;
    for (const chunk of chunks) n += reader.push(chunk).length;
    reader.end();
    return n;
  },
  '@streamparser/json 0.0.26 (JSONParser, $.data.*)': () => {
    let n = 0;
    const parser = new JSONParser({ paths: ['$.data.*'], keepStack: false });
    parser.onValue = () => { n++; };
    for (const chunk of chunks) parser.write(chunk);
    return n;
  },
  'stream-json 3.8.0 (parser + pick + streamArray)': () => new Promise<number>((resolve, reject) => {
    let n = 0;
    const pipeline = chain([Readable.from(chunks), streamJsonParser(), pick({ filter: 'data' }), streamArray()]);
    pipeline.on('data', () => { n++; });
    pipeline.on('end', () => resolve(n));
    pipeline.on('error', reject);
  }),
  'jsonparse 1.3.1 (onValue at depth 2)': () => {
    let n = 0;
    const parser = new Jsonparse();
    parser.onValue = function count() { if (this.stack.length === 2) n++; };
    parser.write(chunks[0]!.subarray(3)); // it refuses the BOM
    for (const chunk of chunks.slice(1)) parser.write(chunk);
    return n;
  },
  'clarinet 0.12.6 (events only, no objects built)': () => {
    let n = 0;
    const parser = clarinet.parser();
    parser.oncloseobject = () => { n++; };
    const decoder = new TextDecoder();
    for (const chunk of chunks) parser.write(decoder.decode(chunk, { stream: true }));
    parser.close();
    return n - 1;
  },
};

// BENCH_DIRECTORY_ONLY=1 runs only the account directory's memory (the last part), in a minute.
const directoryOnly = process.env.BENCH_DIRECTORY_ONLY === '1';
if (!directoryOnly) {
console.log(`List reading: ${COUNT.toLocaleString('en-US')} synthetic clients, ${mb(answer.length)} of JSON in 64 KB chunks; CPU as a multiple of one JSON.parse of the whole answer (median of 5):`);
const names = Object.keys(parsers);
const samples = new Map(names.map((name) => [name, [] as number[]]));
const counts = new Map<string, number>();
for (let round = 0; round < 6; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length]!;
    let n = 0;
    const ms = await cpuMs(async () => { n = await parsers[name]!(); });
    if (round > 0) samples.get(name)!.push(ms);
    counts.set(name, n);
  }
}
const reference = median(samples.get(names[0]!)!);
for (const name of names) {
  const ms = median(samples.get(name)!);
  console.log(`  ${name.padEnd(52)}${(ms / reference).toFixed(2)}× (${ms.toFixed(0)} ms, ${counts.get(name)} records)`);
}

// The content hash of each record's bytes (the diff compares it with yesterday's).
const lines = records.map((r) => Buffer.from(r));
const xxh64 = await contentHash('xxh64');
const sha1 = await contentHash('sha1');
const into = new Uint8Array(20);
const hashes: Record<string, (line: Buffer) => unknown> = {
  'XXH64 into the index\'s array (xxhash-wasm, chosen)': (line) => xxh64.into(line, into, 0),
  'SHA-1 into the index\'s array (before)': (line) => sha1.into(line, into, 0),
  'SHA-1 base64url': (line) => hash('sha1', line, 'base64url'),
  'MD5 base64url': (line) => hash('md5', line, 'base64url'),
  'SHA-256 base64url': (line) => hash('sha256', line, 'base64url'),
  'CRC-32 (floor; 32 bits collide too often)': (line) => crc32(line),
};
console.log(`content hash per record, CPU for ${COUNT.toLocaleString('en-US')} records as a multiple of JSON.parse of the whole answer (median of 5):`);
for (const [name, fn] of Object.entries(hashes)) {
  const runs: number[] = [];
  for (let round = 0; round < 6; round++) {
    const ms = await cpuMs(() => { for (const line of lines) fn(line); });
    if (round > 0) runs.push(ms);
  }
  console.log(`  ${name.padEnd(52)}${(median(runs) / reference).toFixed(2)}× (${median(runs).toFixed(0)} ms)`);
}

}

// The worker's account directory, built from a streamed List in a fresh process, at two sizes. The
// process gets the V8 flags Lambda's Node.js runtime gives the worker's 256 MB (its bootstrap: new space a
// tenth of the memory, so semi-space 12 MB, and old space the rest, 231 MB), so garbage is collected as it
// would be there instead of piling up in this 24 GB machine's heap.
const WORKER_MEMORY_MB = 256;
type Measured = DirectoryMemoryResult & { count: number; listOnly: boolean };
async function measureDirectory(count: number, listOnly: boolean): Promise<Measured> {
  const sandbox = await startSandboxProcess({ SANDBOX_SYNTHETIC_ACCOUNTS: String(count) });
  try {
    const env = { ...process.env, BENCH_SANDBOX_URL: sandbox.url, BENCH_LIST_ONLY: listOnly ? '1' : '' };
    const child = startBenchChild('bench/support/directory-memory.ts', { env, execArgv: ['--expose-gc', ...lambdaHeapFlags(WORKER_MEMORY_MB)], stdout: 'inherit' });
    try {
      return { ...(await child.next<DirectoryMemoryResult & ChildMessage>('result')), count, listOnly };
    } finally {
      await child.stop();
    }
  } finally {
    await sandbox.stop();
  }
}
// The first child only warms tsx's transform cache (and is dropped): a child that transforms the sources itself
// starts some 14 MB higher, which made the 1,000-client figure, and so the ratio, swing between runs.
await measureDirectory(1_000, false);
// The ratio is measured in BENCH_DIRECTORY_RUNS pairs of fresh processes (1,000 then 300,000 clients): how often V8
// grows its young generation during a long List is chance, and while the directory's memory counted against V8's heap
// one process held 8 or 24 MB more than the next (README, "Known gaps"), so one pair could mislead.
const pairs = Number(process.env.BENCH_DIRECTORY_RUNS ?? 3);
const memory: Measured[] = [];
const ratios: number[] = [];
for (let run = 0; run < pairs; run++) {
  const small = await measureDirectory(1_000, false);
  const large = await measureDirectory(300_000, false);
  memory.push(small, large);
  ratios.push(large.rssAfter / small.rssAfter);
}
const floor = await measureDirectory(300_000, true);
const million = await measureDirectory(1_000_000, false);
memory.push(floor, million);
const small = memory[0]!;
console.log(`worker: account directory from a streamed Accounts List, in a fresh process with the V8 flags Lambda gives ${WORKER_MEMORY_MB} MB (${lambdaHeapFlags(WORKER_MEMORY_MB).join(' ')}; RSS after a full GC, and its peak):`);
for (const m of memory) {
  console.log(`  ${m.count.toLocaleString('en-US').padStart(9)} clients${m.listOnly ? ', List read and dropped, no directory' : ''}: RSS ${mb(m.rssAfter)} held (start ${mb(m.rssStart)}), peak ${mb(m.rssPeak)}, heap held +${mb(m.heapAfter - m.heapStart)} of +${mb(m.heapTotalAfter - m.heapTotalStart)} reserved, array buffers V8 counts +${mb(m.arrayBuffersAfter - m.arrayBuffersStart)}; ${m.listOnly ? '' : `lookups found ${m.found}/3`}`);
}
for (const m of memory.filter((m) => !m.listOnly)) {
  console.log(`  ${m.count.toLocaleString('en-US').padStart(9)} clients, a warm worker after three reloads (each time CSMART_ACCOUNT_CACHE_TTL has passed): RSS ${mb(m.rssAfterReloads)} held, peak ${mb(m.rssPeakReloads)} (after the first List: ${mb(m.rssAfter)})`);
}
const sorted = [...ratios].sort((a, b) => a - b);
console.log(`  process memory with 300,000 clients ÷ with 1,000, in ${pairs} pairs of fresh processes: ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')} held (median ${median(ratios).toFixed(2)}×, ${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)}; goal ≤ 1.5); the List read alone, nothing kept: ${(floor.rssAfter / small.rssAfter).toFixed(2)}× held`);
// The children run TypeScript through tsx, whose loader a bundled function does not carry: its RSS, measured.
const rssOf = (args: string[]) => Number(execFileSync(process.execPath, [...args, '-e', 'process.stdout.write(String(process.memoryUsage().rss))'], { encoding: 'utf8' }));
const loader = rssOf(['--import', 'tsx']) - rssOf([]);
console.log(`  1,000,000 clients: RSS ${mb(million.rssAfter)} held, ${mb(million.rssPeak)} at peak, of which ${mb(loader)} is the tsx loader: a bundled worker peaks near ${mb(million.rssPeak - loader)} (the worker has ${WORKER_MEMORY_MB} MB unless deployed with --param="workerMemory=…")`);
