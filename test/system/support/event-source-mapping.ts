import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalSqsCounts } from '../../support/local-sqs.ts';

export type EventSourceMappingOptions = {
  /** The mapping's maximum concurrency: this many pollers, each with at most one worker invocation running. */
  concurrency: number;
  /** One poll: receive ≤ 10, invoke the worker, delete what it did not report as failed. */
  pump: () => Promise<{ received: number; failed: number }>;
  counts: () => LocalSqsCounts;
  /** Moves the queue's clock, so that postponed messages (the worker's backoff) come back. */
  advance: (ms: number) => void;
  /** How far the clock jumps when nothing is visible; past the longest backoff and the visibility timeout. */
  jumpMs?: number;
  /**
   * Whether what a real backoff (15 s and more) would have waited for is over: CSMART has finished the
   * calls the client gave up on. The clock jumps only then, so a retry never overtakes a slow Save.
   */
  settled?: () => boolean;
  /**
   * While true, the clock jumps past the visibility timeout every few milliseconds even as batches are
   * worked: messages a worker still holds become visible, and another worker receives them too.
   */
  expireWhileBusy?: () => boolean;
  /** Moves only the queue's clock past the visibility timeout (the workers' time goes on as it was). */
  expire?: () => void;
};

export type EventSourceMapping = {
  readonly invocations: number;
  readonly failedRecords: number;
  /** Resolves once the queue is empty and no invocation is running; rejects after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void>;
  /** Like `drained`, but answers false instead of rejecting when `timeoutMs` passes first. */
  settles(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
};

/**
 * SQS → Lambda as the event source mapping runs it, with a concurrency cap: `concurrency` loops, each
 * polling and invoking the worker one batch at a time. A loop that finds nothing visible moves the
 * queue clock so backoffs pass — but only while no batch is being worked, since jumping past a running
 * batch's visibility timeout would hand its messages out a second time, which Lambda never sees
 * (the visibility timeout is longer than the function's timeout).
 */
export function startEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const jumpMs = options.jumpMs ?? 121 * 60 * 1000; // past the worker's longest backoff (2 h)
  let running = true;
  let busy = 0;
  let invocations = 0;
  let failedRecords = 0;

  const poller = async () => {
    while (running) {
      busy++;
      let received = 0;
      try {
        const result = await options.pump();
        received = result.received;
        failedRecords += result.failed;
      } finally {
        busy--;
      }
      if (received > 0) {
        invocations++;
        continue;
      }
      const { visible, total } = options.counts();
      if (total > 0 && visible === 0 && busy === 0 && (options.settled?.() ?? true)) options.advance(jumpMs);
      else await sleep(2);
    }
  };
  const expirer = async () => {
    while (running) {
      if (busy > 0 && options.expireWhileBusy?.()) (options.expire ?? (() => options.advance(jumpMs)))();
      await sleep(40);
    }
  };
  const pollers = [...Array.from({ length: options.concurrency }, () => poller()), expirer()];
  // A poller that throws (the worker threw instead of reporting failures) stops the mapping loudly.
  const failure = Promise.race(pollers.map((p) => p.then(() => new Promise<never>(() => {}))));
  failure.catch(() => { running = false; });

  async function settles(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (options.counts().total > 0 || busy > 0) {
      if (performance.now() > deadline) return false;
      await Promise.race([sleep(10), failure]);
    }
    return true;
  }

  return {
    get invocations() { return invocations; },
    get failedRecords() { return failedRecords; },
    settles,
    async drained(timeoutMs) {
      if (!(await settles(timeoutMs))) throw new Error(`the queue did not drain within ${timeoutMs} ms: ${JSON.stringify(options.counts())}`);
    },
    async stop() {
      running = false;
      await Promise.all(pollers);
    },
  };
}
