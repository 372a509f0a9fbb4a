import { setTimeout as delay } from 'node:timers/promises';
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ExportEventPublishError } from './errors.ts';

/** Sends one batch (≤ 10 entries) of change events. */
export type PublishEvents = (entries: PutEventsRequestEntry[]) => Promise<void>;

export type EventPublisherOptions = {
  client: EventBridgeClient;
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  /** Backoff before retry n (1-based): base × 2^(n-1), with full jitter. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
};

const defaults = { maxAttempts: 4, baseDelayMs: 200, sleep: (ms: number) => delay(ms), random: Math.random };

/**
 * A publisher over PutEvents. PutEvents answers 200 even when some entries failed (throttling, an
 * internal error); those — and only those — are sent again with backoff, so no accepted entry is
 * repeated. Entries still failing after the last attempt fail the call. Errors of the call as a
 * whole are left to the SDK's own retries and then thrown.
 */
export function createEventPublisher(options: EventPublisherOptions): PublishEvents {
  const { client, maxAttempts, baseDelayMs, sleep, random } = { ...defaults, ...options };
  return async (entries) => {
    let pending = entries;
    let codes: string[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) throw new ExportEventPublishError(pending.length, [...new Set(codes)]);
      if (attempt > 1) await sleep(Math.floor(random() * baseDelayMs * 2 ** (attempt - 2)));
      const answer = await client.send(new PutEventsCommand({ Entries: pending }));
      if (!answer.FailedEntryCount) return;
      const results = answer.Entries ?? [];
      const failed: PutEventsRequestEntry[] = [];
      codes = [];
      pending.forEach((entry, i) => {
        const result = results[i];
        // A missing result for an entry is treated as failed: better a duplicate than a lost event.
        if (!result || result.ErrorCode || !result.EventId) {
          failed.push(entry);
          if (result?.ErrorCode) codes.push(result.ErrorCode);
        }
      });
      pending = failed;
    }
  };
}

/**
 * Sends batches with up to `concurrency` PutEvents calls in flight; resolves with the number of entries
 * sent. Stops taking new batches after the first failure and rejects with it.
 */
export async function publishInBatches(batches: Iterable<PutEventsRequestEntry[]>, publish: PublishEvents, concurrency: number): Promise<number> {
  const queue = batches[Symbol.iterator]();
  let sent = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed) {
      let next: IteratorResult<PutEventsRequestEntry[]>;
      try {
        next = queue.next();
        if (next.done) return;
        await publish(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
      sent += next.value.length;
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return sent;
}
