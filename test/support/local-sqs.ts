import { SQSClient } from '@aws-sdk/client-sqs';

// The server lives in scripts/local beside the DynamoDB starter; tests and benchmarks use it (npm start delivers in-process, without SQS).
export {
  FIFO_DEDUPE_WINDOW_MS, LOCAL_SQS_ACCOUNT, LOCAL_SQS_OPERATIONS, LOCAL_SQS_REGION, LocalSqsFault, localQueueArn, md5OfMessageAttributes, startLocalSqs,
} from '../../scripts/local/sqs-server.ts';
export type {
  LocalSqs, LocalSqsAttributeValue, LocalSqsCounts, LocalSqsFaultCode, LocalSqsMessage, LocalSqsMessageState, LocalSqsOperation,
  LocalSqsOptions, LocalSqsQueue, LocalSqsQueueAttributes, LocalSqsRedrivePolicy,
} from '../../scripts/local/sqs-server.ts';

/**
 * A real SQS client pointed at a local server with dummy credentials. `maxAttempts` defaults to 1 so
 * outage tests do not wait for the SDK's retries; pass 3 to see the production behaviour.
 */
export function localSqsClient(endpoint: string, options: { maxAttempts?: number } = {}): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: options.maxAttempts ?? 1,
  });
}
