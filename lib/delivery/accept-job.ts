import { sqsClient } from '../config/aws/sqs.ts';
import { processSettings } from '../config/runtime.ts';
import { CsmartConfigError } from '../csmart/errors.ts';
import type { DeliveryJob } from './job.ts';
import { enqueueJob } from './queue.ts';
import { resolveQueueUrls } from './queue-urls.ts';
import type { WorkerEvent } from './worker.ts';

/**
 * Stores an accepted job: on the queue (AWS), or delivered in-process (local mode, `npm start`).
 * Deployed bundles are built with CSMART_INLINE_BUILD = "false", so the worker's code is not in the
 * lead and webhook functions at all.
 */
export async function acceptJob(job: DeliveryJob, invokedFunctionArn: string | undefined, onEvent: (event: WorkerEvent) => void): Promise<void> {
  const settings = processSettings();
  if (settings.deliveryMode === 'inline') {
    const inline = process.env.CSMART_INLINE_BUILD === 'false' ? undefined : await import('./inline-delivery.ts');
    if (!inline) throw new CsmartConfigError('CSMART_DELIVERY_MODE=inline works only under npm start; deployed functions use the queue', { field: 'CSMART_DELIVERY_MODE' });
    return inline.deliverInline(job, onEvent);
  }
  const { queueUrl } = resolveQueueUrls(settings, invokedFunctionArn);
  await enqueueJob(sqsClient(), queueUrl, job);
}
