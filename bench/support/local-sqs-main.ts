/**
 * Child entry of `startSqsProcess`: the project's local SQS server with the delivery queue and its DLQ
 * (as serverless.yml defines them), in a process of its own so its CPU is not counted as the bench's.
 */
import { startLocalSqs } from '../../emulators/sqs/index.ts';
import { fromParent, tellParent } from './child.ts';
import { BENCH_DLQ, BENCH_QUEUE } from './local-sqs-process.ts';

const sqs = await startLocalSqs();
const dlqUrl = sqs.createQueue(BENCH_DLQ, { FifoQueue: 'true' });
const queueUrl = sqs.createQueue(BENCH_QUEUE, {
  FifoQueue: 'true', VisibilityTimeout: '360', DeduplicationScope: 'messageGroup',
  RedrivePolicy: { deadLetterTargetArn: sqs.queue(BENCH_DLQ).arn, maxReceiveCount: 8 },
});
await tellParent({ type: 'ready', endpoint: sqs.endpoint, queueUrl, dlqUrl, queueArn: sqs.queue(BENCH_QUEUE).arn });
await fromParent('stop');
await sqs.close();
process.exit(0);
