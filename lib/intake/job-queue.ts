import type { SqsApi } from '../aws/sqs-api.ts';
import type { Settings } from '../config/settings.ts';
import { ConfigSettingMissingError } from '../config/errors.ts';
import { IntakeQueueUnavailableError } from './errors.ts';
import { encodeJob } from './job-codec.ts';
import type { DeliveryJob } from './job.ts';
import { messageDeduplicationId, messageGroupId } from './keys.ts';
import { createQueueUrlResolver } from './queue-urls.ts';

/** Where accepted work is stored before it is acknowledged: the delivery queue. */
export type JobQueue = {
  /** Stores a job; fails with `IntakeQueueUnavailableError` when it could not be stored (nothing was accepted). */
  send(job: DeliveryJob, invokedFunctionArn: string | undefined): Promise<void>;
};

/** The delivery queue of these settings, its URL found once per setup (see `createQueueUrlResolver`). */
export function createJobQueue(sqs: () => SqsApi, settings: Settings): JobQueue {
  let resolve: ReturnType<typeof createQueueUrlResolver> | undefined;
  return {
    async send(job, invokedFunctionArn) {
      const client = sqs();
      resolve ??= createQueueUrlResolver(client, settings);
      let queueUrl: string;
      try {
        ({ queueUrl } = await resolve(invokedFunctionArn));
      } catch (cause) {
        if (cause instanceof ConfigSettingMissingError) throw cause;
        throw new IntakeQueueUnavailableError('The delivery queue could not be found', { cause });
      }
      await enqueueJob(client, queueUrl, job);
    },
  };
}

/** Stores a job on the FIFO delivery queue. Fails with `IntakeQueueUnavailableError`: then nothing was accepted. */
export async function enqueueJob(sqs: Pick<SqsApi, 'sendMessage'>, queueUrl: string, job: DeliveryJob): Promise<void> {
  try {
    await sqs.sendMessage({
      QueueUrl: queueUrl,
      MessageBody: encodeJob(job),
      MessageGroupId: messageGroupId(job.source, job.groupKey),
      MessageDeduplicationId: messageDeduplicationId(job.source, job.dedupeKey),
    });
  } catch (cause) {
    throw new IntakeQueueUnavailableError('The delivery queue did not take the submission', { cause });
  }
}
