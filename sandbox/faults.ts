/** What can go wrong between a client and a PHP service, one kind per fault. */
export const FAULT_KINDS = ['latency', 'status', 'html', 'drop', 'truncate', 'empty', 'php-warning', 'error', 'empty-list', 'null-list'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const FAULT_STATUSES = [500, 502, 503] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];
export const DEFAULT_LATENCY_MS = 1000;

export type FaultInput = {
  kind: FaultKind;
  /** How many next matching requests it hits; -1 = until cleared. Default 1. */
  count?: number;
  /** latency: milliseconds before the normal answer (default DEFAULT_LATENCY_MS). */
  ms?: number;
  /** status: the HTTP status answered (default 503). */
  status?: FaultStatus;
  /** error: the `error` text answered inside HTTP 200 (any of lib/csmart/known-errors.ts, or an unknown one). */
  text?: string;
  /** Only requests with a parameter value containing this text (one entity's data: a refusal of that entity alone). */
  contains?: string;
  /** Only requests of this module / action ('Login' matches the login call as module or action). */
  module?: string;
  action?: string;
  /**
   * Whether the call takes effect before the fault hits (a Save is stored but its answer is lost).
   * Default: true for latency, truncate and php-warning; false for status, html, drop and empty.
   */
  processed?: boolean;
};

export type Fault = Required<Pick<FaultInput, 'kind' | 'count' | 'processed'>> & Omit<FaultInput, 'kind' | 'count' | 'processed'>;

const PROCESSED_BY_DEFAULT: Record<FaultKind, boolean> = {
  latency: true, truncate: true, 'php-warning': true, status: false, html: false, drop: false, empty: false,
  error: false, 'empty-list': false, 'null-list': false,
};

export class FaultInputError extends Error {
  override name = 'FaultInputError';
  readonly code = 'fault-input';
}

/** Checks a fault from the admin route or a test; throws FaultInputError naming the bad part. */
export function parseFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null) throw new FaultInputError('a fault is a JSON object');
  const raw = input as Record<string, unknown>;
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultInputError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const count = raw.count ?? 1;
  if (count !== -1 && !(Number.isSafeInteger(count) && (count as number) >= 1)) throw new FaultInputError('count must be a positive integer or -1');
  const fault: Fault = { kind: kind as FaultKind, count: count as number, processed: PROCESSED_BY_DEFAULT[kind as FaultKind] };
  if (raw.ms !== undefined) {
    if (typeof raw.ms !== 'number' || !(raw.ms >= 0) || raw.ms > 600_000) throw new FaultInputError('ms must be a number from 0 to 600000');
    fault.ms = raw.ms;
  }
  if (raw.status !== undefined) {
    if (!(FAULT_STATUSES as readonly unknown[]).includes(raw.status)) throw new FaultInputError(`status must be one of ${FAULT_STATUSES.join(', ')}`);
    fault.status = raw.status as FaultStatus;
  }
  if (kind === 'error') {
    if (typeof raw.text !== 'string' || raw.text.trim() === '') throw new FaultInputError('text must be the error text to answer');
    fault.text = raw.text;
  }
  for (const key of ['module', 'action', 'contains'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'string') throw new FaultInputError(`${key} must be a string`);
    fault[key] = raw[key];
  }
  if (raw.processed !== undefined) {
    if (typeof raw.processed !== 'boolean') throw new FaultInputError('processed must be true or false');
    fault.processed = raw.processed;
  }
  return fault;
}

/** Faults wait in order; each request takes the first one that matches it. */
export class FaultQueue {
  private readonly queue: Fault[] = [];

  /** Queues a fault (validated like the admin route's body) and returns it. */
  add(input: FaultInput): Fault {
    const fault = parseFault(input);
    this.queue.push(fault);
    return fault;
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The faults still waiting, with their remaining counts. */
  list(): Fault[] {
    return this.queue.map((fault) => ({ ...fault }));
  }

  get size(): number {
    return this.queue.length;
  }

  /** Takes the fault for one request, if any matches, and counts it down. */
  take(module: string, action: string, params?: ReadonlyMap<string, string>): Fault | undefined {
    const index = this.queue.findIndex((fault) =>
      (fault.module === undefined || fault.module === module) && (fault.action === undefined || fault.action === action)
      && (fault.contains === undefined || [...(params?.values() ?? [])].some((value) => value.includes(fault.contains!))));
    if (index < 0) return undefined;
    const fault = this.queue[index]!;
    if (fault.count > 0 && --fault.count === 0) this.queue.splice(index, 1);
    return { ...fault };
  }
}
