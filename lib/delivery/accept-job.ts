import { sqsClient } from '../config/aws/sqs.ts';
import { CsmartConfigError } from '../csmart/errors.ts';
import { processSettings } from '../config/runtime.ts';
import type { DeliveryJob } from './job.ts';
import { QueueUnavailableError } from './errors.ts';
import { enqueueJob } from './queue.ts';
import { processQueueUrls } from './queue-urls.ts';

/** Stores an accepted job on the delivery queue; fails with `QueueUnavailableError` when it could not be stored. */
export async function acceptJob(job: DeliveryJob, invokedFunctionArn: string | undefined): Promise<void> {
  const sqs = sqsClient();
  let queueUrl: string;
  try {
    ({ queueUrl } = await processQueueUrls(sqs, processSettings(), invokedFunctionArn));
  } catch (cause) {
    if (cause instanceof CsmartConfigError) throw cause;
    throw new QueueUnavailableError('The delivery queue could not be found', { cause });
  }
  await enqueueJob(sqs, queueUrl, job);
}
