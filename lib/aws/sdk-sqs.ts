import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsThroughSdk } from './sdk-adapters.ts';
import type { SqsApi } from './sqs-api.ts';

/** A bundled SDK SQS client behind the port (the worker, the CLI, tests). */
export function sdkSqs(client: SQSClient): SqsApi {
  return sqsThroughSdk(client, { SendMessageCommand, GetQueueUrlCommand });
}
