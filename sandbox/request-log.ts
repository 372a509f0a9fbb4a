import type { FaultKind } from './faults.ts';

/** One api.php request as the log keeps it: names and masked parameters, never values of fields or secrets. */
export type RequestLogEntry = {
  at: string;
  module: string;
  action: string;
  /** The HTTP status answered; 0 when the socket was dropped. */
  status: number;
  /** Names of the record fields sent, without their values. */
  fields: string[];
  /** The other parameters (domain, email, id…), with token, hash and password shown as '***'. */
  params: Record<string, string>;
  /** 'ok', 'error' (the envelope carried an error), or the kind of fault that hit the request. */
  outcome: 'ok' | 'error' | FaultKind;
  /** The envelope's error text, when there was one. */
  error?: string;
  durationMs: number;
};

// Enough for any test; a long benchmark drops the oldest tenth at a time instead of growing without end.
const MAX_ENTRIES = 100_000;

/** Appends in place, so a reference to the array (sandbox.requests) always sees the current log. */
export function appendLogEntry(log: RequestLogEntry[], entry: RequestLogEntry): void {
  if (log.length >= MAX_ENTRIES) log.splice(0, MAX_ENTRIES / 10);
  log.push(entry);
}
