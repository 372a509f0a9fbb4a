import type { SQSClient } from '@aws-sdk/client-sqs';
import { sdkSqs } from '../aws/sdk-sqs.ts';
import type { Settings } from '../config/settings.ts';
import { lookupQueueUrls, type QueueUrls } from '../intake/queue-urls.ts';

/** The names serverless.yml gives the stage's resources (`csmart-connect-<stage>-…`). */
export function stageResourceNames(stage: string) {
  const prefix = `csmart-connect-${stage}`;
  return { queue: `${prefix}-deliveries.fifo`, dlq: `${prefix}-deliveries-dlq.fifo`, linkTable: `${prefix}-links` };
}

/**
 * Queue URLs for tools outside Lambda (the CLI): the configured URLs, else looked up by the
 * configured or the stage's default names with the caller's own AWS credentials and endpoint.
 */
export async function lookupStageQueueUrls(sqs: SQSClient, settings: Settings): Promise<QueueUrls> {
  const names = stageResourceNames(settings.stage);
  return lookupQueueUrls(sdkSqs(sqs), settings, { queue: settings.queueName ?? names.queue, dlq: settings.dlqName ?? names.dlq });
}
