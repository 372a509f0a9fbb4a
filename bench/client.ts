/**
 * bench/client — the CSMART client against the sandbox on loopback (run with `npm run bench -- client`).
 * Prints ratios and counts, never asserts: machines are noisy.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { dirname } from 'node:path';
import { sha1Hex } from '../lib/config/credentials.ts';
import { createCsmartClient } from '../lib/csmart/client.ts';
import { encodeForm, FORM_CONTENT_TYPE } from '../lib/csmart/form-encoding.ts';
import { DEMO_USER } from '../sandbox/server.ts';
import { alternatingMedians, bundle, cpuOf, importTimes, kb, median, ratio, scratchModule } from './support/measure.ts';
import { startSandboxProcess } from './support/sandbox-process.ts';

const PER_ROUND = 100;
const ROUNDS = 41;
const sandbox = await startSandboxProcess();
const credentials = { endpoint: sandbox.url, domain: DEMO_USER.domain, email: DEMO_USER.email, hash: sha1Hex(DEMO_USER.password) };
const client = createCsmartClient({ credentials: async () => credentials });
const logins = async () => (await sandbox.stats()).logins ?? 0;
const connections = async () => (await sandbox.stats()).connections ?? 0;

try {
  // 1. TCP connections for 100 sequential calls from a fresh process state (login included); each stats read adds its own.
  const beforeConnections = await connections();
  for (let i = 0; i < 100; i++) await client.list('Products');
  console.log(`TCP connections opened for 100 sequential calls: ${(await connections()) - beforeConnections - 1} (goal 1)`);

  // 2. CPU per call: the client's List against a bare fetch of the same request, in alternating rounds.
  await client.login();
  const token = await bareLogin();
  const url = `${sandbox.url}?module=Products&action=List`;
  const body = encodeForm({ domain: credentials.domain, token });
  const bareCall = async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': FORM_CONTENT_TYPE }, body });
    JSON.parse((await response.text()).replace(/^\uFEFF/, ''));
  };
  const ourCall = () => client.list('Products');
  // The same request over node:http with a keep-alive agent, as the client sends it: what the client adds on top.
  const agent = new Agent({ keepAlive: true });
  const bareHttpCall = () => new Promise<void>((resolve, reject) => {
    const payload = Buffer.from(body);
    const request = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': FORM_CONTENT_TYPE, 'content-length': payload.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => { JSON.parse(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '')); resolve(); });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
  for (let i = 0; i < 500; i++) { await bareCall(); await ourCall(); await bareHttpCall(); } // warm up every path (JIT, sockets)
  console.log(`client CPU per List call vs a bare fetch of the same request: ${(await cpuRatio(bareCall, ourCall)).toFixed(2)}× (median of ${ROUNDS} alternating rounds of ${PER_ROUND}; goal ≤ 1.10)`);
  console.log(`  the same vs a bare node:http request (the client's own work on top of its transport): ${(await cpuRatio(bareHttpCall, ourCall)).toFixed(2)}×`);

  // 2b. The same for a Save (a new client each time, as a lead creates one): form body, timeout, reply parsing, id.
  const saveUrl = `${sandbox.url}?module=Accounts&action=Save`;
  const saveFields = { name: 'Żółta Łódź sp. z o.o.', email: 'kontakt@example.pl', phone_mobile: '+48 601 000 001' };
  const saveBody = encodeForm({ domain: credentials.domain, token, ...saveFields });
  const bareSave = async () => {
    const response = await fetch(saveUrl, { method: 'POST', headers: { 'content-type': FORM_CONTENT_TYPE }, body: saveBody });
    JSON.parse((await response.text()).replace(/^\uFEFF/, ''));
  };
  const ourSave = async () => { await client.save('Accounts', saveFields); };
  for (let i = 0; i < 500; i++) { await bareSave(); await ourSave(); }
  console.log(`client CPU per Save call vs a bare fetch of the same request: ${(await cpuRatio(bareSave, ourSave)).toFixed(2)}× (median of ${ROUNDS} alternating rounds of ${PER_ROUND}; goal ≤ 1.10)`);

  // 3. Logins: 1,000 sequential and 1,000 concurrent calls in one fresh process state.
  // A new client starts with no token, as a fresh process does.
  let fresh = createCsmartClient({ credentials: async () => credentials });
  let before = await logins();
  for (let i = 0; i < 1000; i++) await fresh.list('Products');
  console.log(`logins for 1,000 sequential calls: ${(await logins()) - before} (goal 1)`);
  fresh = createCsmartClient({ credentials: async () => credentials });
  before = await logins();
  await Promise.all(Array.from({ length: 1000 }, () => fresh.list('Products')));
  console.log(`logins for 1,000 concurrent calls: ${(await logins()) - before} (goal 1)`);

  // 4. A handler that only uses the client: bundle size and fresh-process import time vs an empty handler.
  const clientEntry = scratchModule(`import { createCsmartClient } from '${process.cwd()}/lib/csmart/client.ts';
const client = createCsmartClient({ credentials: async () => ({ endpoint: 'http://127.0.0.1:1/', domain: 'd', email: 'e', hash: 'h' }) });
export const handler = async () => client.list('Products');`);
  const emptyEntry = scratchModule('export const handler = async () => ({});');
  const clientBundle = await bundle(clientEntry);
  const emptyBundle = await bundle(emptyEntry);
  const [clientMs, emptyMs] = importTimes([clientBundle.file, emptyBundle.file]);
  console.log(`client-only handler bundle: ${kb(clientBundle.bytes)} minified (goal ≤ 64 KB)`);
  console.log(`fresh process importing it: ${clientMs!.toFixed(1)} ms vs ${emptyMs!.toFixed(1)} ms for an empty handler = ${ratio(clientMs!, emptyMs!)}× (goal ≤ 1.15)`);
  for (const entry of [clientEntry, emptyEntry]) rmSync(dirname(entry), { recursive: true, force: true });

  // 5. A cold start's first calls: a fresh process logs in and lists (two calls), through the client and through a
  // bare fetch, timed from the process's start to the answer (what the worker's cold start pays for them).
  const ourFirst = scratchModule(`import { createCsmartClient } from '${process.cwd()}/lib/csmart/client.ts';
const { endpoint, domain, email, hash } = JSON.parse(process.env.BENCH_CREDENTIALS!);
const client = createCsmartClient({ credentials: async () => ({ endpoint, domain, email, hash }) });
void client.list('Products').then(() => console.log(performance.now()));`);
  const bareFirst = scratchModule(`const { endpoint, domain, email, hash } = JSON.parse(process.env.BENCH_CREDENTIALS!);
const post = async (url: string, body: string) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body })).text();
void (async () => {
  const login = JSON.parse((await post(endpoint + '?module=Login', new URLSearchParams({ domain, email, hash }).toString())).replace(/^\uFEFF/, ''));
  JSON.parse((await post(endpoint + '?module=Products&action=List', new URLSearchParams({ domain, token: login.data.token }).toString())).replace(/^\uFEFF/, ''));
  console.log(performance.now());
})();`);
  const [ourBundle, bareBundle] = [await bundle(ourFirst), await bundle(bareFirst)];
  const firstMs = firstCallTimes([ourBundle.file, bareBundle.file], JSON.stringify(credentials));
  console.log(`a fresh process's first login + List, from its start to the answer: ${firstMs[0]!.toFixed(1)} ms through the client vs ${firstMs[1]!.toFixed(1)} ms with a bare fetch = ${ratio(firstMs[0]!, firstMs[1]!)}× (median of 11, alternating)`);
  for (const entry of [ourFirst, bareFirst]) rmSync(dirname(entry), { recursive: true, force: true });
} finally {
  await sandbox.stop();
}

/** Median over alternating rounds of (our CPU ÷ the bare call's), each round `PER_ROUND` calls of each; who goes first alternates. */
async function cpuRatio(bare: () => Promise<unknown>, ours: () => Promise<unknown>): Promise<number> {
  const ratios: number[] = [];
  const run = (call: () => Promise<unknown>) => cpuOf(async () => { for (let i = 0; i < PER_ROUND; i++) await call(); });
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      const b = await run(bare);
      ratios.push((await run(ours)) / b);
    } else {
      const o = await run(ours);
      ratios.push(o / (await run(bare)));
    }
  }
  return median(ratios);
}

async function bareLogin(): Promise<string> {
  const response = await fetch(`${sandbox.url}?module=Login`, {
    method: 'POST', headers: { 'content-type': FORM_CONTENT_TYPE },
    body: encodeForm({ domain: credentials.domain, email: credentials.email, hash: credentials.hash }),
  });
  return (JSON.parse((await response.text()).replace(/^\uFEFF/, '')) as { data: { token: string } }).data.token;
}

/** Median of what each bundle prints (its own timing), each run in a fresh process, alternating. */
function firstCallTimes(files: string[], credentialsJson: string, runs = 11): number[] {
  return alternatingMedians(files, runs, (file) => Number(execFileSync(process.execPath, [file], { env: { ...process.env, BENCH_CREDENTIALS: credentialsJson }, encoding: 'utf8' }).trim()));
}
