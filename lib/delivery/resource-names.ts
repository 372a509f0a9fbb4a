import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Settings } from '../config/settings.ts';

/** The names serverless.yml gives the stage's resources (`csmart-connect-<stage>-…`). */
export function stageResourceNames(stage: string) {
  const prefix = `csmart-connect-${stage}`;
  return { queue: `${prefix}-deliveries.fifo`, dlq: `${prefix}-deliveries-dlq.fifo`, linkTable: `${prefix}-links` };
}

/**
 * Queue URLs for tools outside Lambda (the CLI): the configured URLs, else looked up by the
 * configured or the stage's default names with the caller's own AWS credentials.
 */
export async function lookupQueueUrls(sqs: Pick<SQSClient, 'send'>, settings: Settings): Promise<{ queueUrl: string; dlqUrl: string }> {
  const names = stageResourceNames(settings.stage);
  const url = async (given: string | undefined, name: string) => given ?? (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
  return {
    queueUrl: await url(settings.queueUrl, settings.queueName ?? names.queue),
    dlqUrl: await url(settings.dlqUrl, settings.dlqName ?? names.dlq),
  };
}
