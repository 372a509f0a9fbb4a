import { startBenchChild, type ChildMessage } from './child.ts';

export const BENCH_QUEUE = 'csmart-connect-bench-deliveries.fifo';
export const BENCH_DLQ = 'csmart-connect-bench-deliveries-dlq.fifo';

export type SqsProcess = { endpoint: string; queueUrl: string; dlqUrl: string; queueArn: string; stop(): Promise<void> };

/**
 * Starts the local SQS server (FIFO delivery queue + DLQ) in its own process. Its CPU per request
 * (HTTP parsing, JSON, MD5 of the body) would otherwise be added to both sides of a CPU ratio and pull
 * it towards 1, hiding the cost being measured.
 */
export async function startSqsProcess(): Promise<SqsProcess> {
  const child = startBenchChild('bench/support/local-sqs-main.ts', { env: { ...process.env }, stdout: 'inherit' });
  const ready = await child.next<ChildMessage & { endpoint: string; queueUrl: string; dlqUrl: string; queueArn: string }>('ready');
  return {
    endpoint: ready.endpoint,
    queueUrl: ready.queueUrl,
    dlqUrl: ready.dlqUrl,
    queueArn: ready.queueArn,
    async stop() {
      await child.stop({ type: 'stop' });
    },
  };
}
