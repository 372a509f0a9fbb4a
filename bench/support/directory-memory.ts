/**
 * Child entry of bench/list: the worker's account directory built from the sandbox's Accounts List in a
 * fresh process (started with --expose-gc), and what the process holds afterwards. RSS peaks come from
 * the kernel (VmHWM), as in export-memory.
 */
import { readFileSync } from 'node:fs';
import { createCsmartClient } from '../../lib/csmart/client.ts';
import { createAccountDirectory } from '../../lib/delivery/account-directory.ts';
import { syntheticAccount } from '../../sandbox/seed.ts';
import { tellParent } from './child.ts';
import { demoCredentials } from './csmart-list.ts';

export type DirectoryMemoryResult = { type: 'result'; rssStart: number; rssPeak: number; rssAfter: number; heapStart: number; heapAfter: number; heapTotalStart: number; heapTotalAfter: number; arrayBuffersStart: number; arrayBuffersAfter: number; found: number; rssAfterReloads: number; rssPeakReloads: number };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

const client = createCsmartClient({ credentials: async () => demoCredentials(process.env.BENCH_SANDBOX_URL ?? '') });
await client.login();
gc();
const start = process.memoryUsage();
const directory = createAccountDirectory({ client, ttlMs: 60_000 });
const probe = syntheticAccount(1);
let found = 0;
// BENCH_LIST_ONLY=1: the same streamed List read and dropped, nothing kept — the floor the directory builds on.
const listOnly = process.env.BENCH_LIST_ONLY === '1';
if (listOnly) {
  for await (const batch of client.listStream('Accounts')) void batch;
} else {
  if (await directory.find({ nip: String(probe.nip) })) found++;
  if (await directory.find({ email: String(probe.email) })) found++;
  if (await directory.byId('1')) found++;
}
const rssPeak = kib('VmHWM');
gc();
const after = process.memoryUsage();
const message: DirectoryMemoryResult = {
  type: 'result', rssStart: start.rss, rssPeak, rssAfter: after.rss, heapStart: start.heapUsed, heapAfter: after.heapUsed,
  heapTotalStart: start.heapTotal, heapTotalAfter: after.heapTotal, arrayBuffersStart: start.arrayBuffers, arrayBuffersAfter: after.arrayBuffers, found, rssAfterReloads: 0, rssPeakReloads: 0,
};
// The directory must still be alive when measured.
if (!listOnly && !(await directory.byId('1'))) throw new Error('the directory lost its clients');
// A warm worker builds the directory again each time the cache's time has passed: three such reloads.
if (!listOnly) {
  for (let reload = 0; reload < 3; reload++) if (!(await directory.byId('1', { fresh: true }))) throw new Error('a reload lost the clients');
  message.rssPeakReloads = kib('VmHWM');
  gc();
  message.rssAfterReloads = process.memoryUsage().rss;
}
await tellParent(message);
process.exit(0);
