import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Settings } from '../config/settings.ts';
import { DeliverySettingsError, QueueUnavailableError } from '../delivery/errors.ts';
import type { DeliveryJob } from '../delivery/job.ts';
import { enqueueJob } from '../delivery/queue.ts';
import { createQueueUrlResolver } from '../delivery/queue-urls.ts';

/** Where accepted work is stored before it is acknowledged: the delivery queue. */
export type JobQueue = {
  /** Stores a job; fails with `QueueUnavailableError` when it could not be stored (nothing was accepted). */
  send(job: DeliveryJob, invokedFunctionArn: string | undefined): Promise<void>;
};

/** The delivery queue of these settings, its URL found once per setup (see `createQueueUrlResolver`). */
export function createJobQueue(sqs: () => SQSClient, settings: Settings): JobQueue {
  let resolve: ReturnType<typeof createQueueUrlResolver> | undefined;
  return {
    async send(job, invokedFunctionArn) {
      const client = sqs();
      resolve ??= createQueueUrlResolver(client, settings);
      let queueUrl: string;
      try {
        ({ queueUrl } = await resolve(invokedFunctionArn));
      } catch (cause) {
        if (cause instanceof DeliverySettingsError) throw cause;
        throw new QueueUnavailableError('The delivery queue could not be found', { cause });
      }
      await enqueueJob(client, queueUrl, job);
    },
  };
}
