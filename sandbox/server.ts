import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModuleName } from '../lib/csmart/modules.ts';
import { handleAdmin } from './admin.ts';
import { callTarget, describeCall, messagesOf, performCall, type ApiCall } from './api.ts';
import { writeAnswer } from './fault-answers.ts';
import { DEFAULT_LATENCY_MS, FaultQueue } from './faults.ts';
import type { SandboxBehaviour } from './behaviour.ts';
import { FilePersistence, readSnapshot } from './persistence.ts';
import { appendLogEntry, type RequestLogEntry } from './request-log.ts';
import { SEED_RECORDS } from './seed.ts';
import { SandboxStore } from './store.ts';
import { TokenRegistry } from './tokens.ts';
import { DEMO_USER, UserDirectory, normaliseDomain, type SandboxUser } from './users.ts';
import { AnswerEncoder, DEFAULT_WIRE_SETTINGS, readForm, send, type CallResult, type WireSettings } from './wire.ts';

export { DEMO_USER, type SandboxUser } from './users.ts';
export type { SandboxStore, SandboxRecord, RecordInput } from './store.ts';
export type { FaultQueue, Fault, FaultInput, FaultKind } from './faults.ts';
export type { RequestLogEntry } from './request-log.ts';
export type { WireSettings } from './wire.ts';
export type { SandboxBehaviour } from './behaviour.ts';

export type SandboxOptions = {
  host?: string;
  port?: number;
  users?: SandboxUser[];
  tokenTtlSeconds?: number;
  /** Load the store from this JSON file at start and write every change to it (temporary file + rename). */
  dataFile?: string;
  /** Seed Quotes, SalesOrders, Invoices and Products with a few records. Default true. */
  seed?: boolean;
  /** Pre-fill Accounts of the first user's domain with N generated clients (benchmarks). */
  syntheticAccounts?: number;
  /** Undocumented behaviours to take at start and after every reset (behaviour.ts); default the assumed ones. */
  behaviour?: Partial<SandboxBehaviour>;
};

export type SandboxStats = { connections: number; logins: number; calls: number; inFlight: number; peakInFlight: number };

export type Sandbox = {
  url: string;
  adminUrl: string;
  port: number;
  store: SandboxStore;
  faults: FaultQueue;
  requests: RequestLogEntry[];
  /** connections = TCP connections accepted; logins = Login requests; calls = every other api.php request. */
  stats: SandboxStats;
  /** List shape, id type and behaviours of the answers; change in place or through POST /__admin/settings. */
  settings: WireSettings;
  setTokenTtl(seconds: number): void;
  expireTokens(): void;
  /** Appends N generated clients to Accounts (default: the first user's domain); returns the new total. */
  seedAccounts(count: number, domain?: string): number;
  /** Back to the state at start: store emptied and re-seeded; log, faults, stats, tokens, settings cleared. */
  reset(): void;
  close(): Promise<void>;
};

const API_PATH = '/app/api.php';
const ADMIN_PREFIX = '/__admin';
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** What a fault that stops the call before it runs (processed: false) cuts or delays, if it shows a body. */
const unprocessed = (settings: WireSettings): CallResult => ({ kind: 'error', error: messagesOf(settings).internalError, withNullData: true });

/** Starts a CSMART emulator on loopback (port 0 = any free port) speaking the vendor's wire format. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? [DEMO_USER];
  const initialTtl = options.tokenTtlSeconds ?? 3600;
  const directory = new UserDirectory(users);
  const defaultDomain = normaliseDomain(users[0]?.domain ?? DEMO_USER.domain);
  const store = new SandboxStore(defaultDomain);
  const tokens = new TokenRegistry(initialTtl);
  const faults = new FaultQueue();
  const requests: RequestLogEntry[] = [];
  const stats: SandboxStats = { connections: 0, logins: 0, calls: 0, inFlight: 0, peakInFlight: 0 };
  const initialSettings: WireSettings = { ...DEFAULT_WIRE_SETTINGS, ...options.behaviour };
  const settings: WireSettings = { ...initialSettings };
  const closing = new AbortController();
  const encoder = new AnswerEncoder(store);

  const seedAccounts = (count: number, domain = defaultDomain): number => store.addSyntheticAccounts(count, normaliseDomain(domain));
  const seed = () => {
    if (options.seed ?? true) {
      for (const domain of directory.domains()) {
        for (const [module, records] of Object.entries(SEED_RECORDS) as [ModuleName, typeof SEED_RECORDS[ModuleName]][]) {
          store.putMany(module, records ?? [], domain);
        }
      }
    }
    if (options.syntheticAccounts) seedAccounts(options.syntheticAccounts);
  };

  let persistence: FilePersistence | undefined;
  if (options.dataFile) {
    persistence = new FilePersistence(options.dataFile, () => store.toSnapshot());
    const saved = readSnapshot(options.dataFile);
    if (saved) store.loadSnapshot(saved);
    else seed();
    store.onChange = () => void persistence!.request();
    if (!saved) store.onChange();
  } else {
    seed();
  }

  const handleApi = async (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => {
    const started = performance.now();
    let body: Map<string, string>;
    try {
      body = await readForm(request, MAX_BODY_BYTES);
    } catch {
      request.socket.destroy();
      return;
    }
    const params = new Map(query);
    for (const [name, value] of body) params.set(name, value);
    const call: ApiCall = { method: request.method ?? 'GET', params };
    const { module, action } = callTarget(call);
    if (module === 'Login') stats.logins++;
    else stats.calls++;

    const fault = faults.take(module, action, params);
    if (fault?.kind === 'latency') await sleep(fault.ms ?? DEFAULT_LATENCY_MS, undefined, { signal: closing.signal });
    const result = !fault || fault.processed ? performCall(call, { store, tokens, users: directory, settings }) : undefined;
    // The answer waits until the change is on disk, so an answered Save survives a crash.
    if (result?.kind === 'id') await persistence?.settled();

    const status = writeAnswer(request, response, fault, () => encoder.encode(result ?? unprocessed(settings), settings));

    appendLogEntry(requests, {
      at: new Date().toISOString(),
      module,
      action,
      status,
      ...describeCall(call),
      outcome: fault ? fault.kind : result?.kind === 'error' ? 'error' : 'ok',
      ...(result?.kind === 'error' ? { error: result.error } : {}),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    if (url.pathname === API_PATH) {
      stats.inFlight++;
      stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
      handleApi(request, response, url.searchParams)
        .catch((error: unknown) => {
          // Only the shutdown's abort of a latency wait lands here in normal use.
          if (!closing.signal.aborted) console.error('sandbox: request failed', error);
          request.socket.destroy();
        })
        .finally(() => stats.inFlight--);
    } else if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      handleAdmin(request, response, url, sandbox).catch((error: unknown) => {
        console.error('sandbox: admin request failed', error);
        request.socket.destroy();
      });
    } else {
      request.resume();
      send(response, 404, 'text/html', [Buffer.from(`<html><body><h1>404 Not Found</h1><p>The API is at ${API_PATH}</p></body></html>\n`)]);
    }
  });
  // Clients reuse sockets only if the server keeps them; undici's own idle limit is about 4 s.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.on('connection', () => stats.connections++);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const sandbox: Sandbox = {
    url: `${origin}${API_PATH}`,
    adminUrl: `${origin}${ADMIN_PREFIX}`,
    port,
    store,
    faults,
    requests,
    stats,
    settings,
    setTokenTtl(seconds) {
      if (!(seconds >= 0)) throw new RangeError('token TTL must be a number of seconds, 0 or more');
      tokens.ttlSeconds = seconds;
    },
    expireTokens() {
      tokens.expireAll();
    },
    seedAccounts,
    reset() {
      store.clear();
      encoder.clear();
      seed();
      requests.length = 0;
      faults.clear();
      tokens.expireAll();
      tokens.ttlSeconds = initialTtl;
      Object.assign(settings, initialSettings);
      // Requests still running stay counted, so inFlight never goes below zero.
      Object.assign(stats, { connections: 0, logins: 0, calls: 0, peakInFlight: stats.inFlight });
    },
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await persistence?.settled();
    },
  };
  return sandbox;
}
