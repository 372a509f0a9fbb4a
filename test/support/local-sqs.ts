import { SQSClient } from '@aws-sdk/client-sqs';

// The server lives in emulators/sqs, with the other local AWS servers that tests, benchmarks and npm start share.
export {
  FIFO_DEDUPE_WINDOW_MS, LOCAL_SQS_ACCOUNT, LOCAL_SQS_OPERATIONS, LOCAL_SQS_REGION, LocalSqsFault, localQueueArn, md5OfMessageAttributes, startLocalSqs,
} from '../../emulators/sqs/index.ts';
export type {
  LocalSqs, LocalSqsAttributeValue, LocalSqsCounts, LocalSqsFaultCode, LocalSqsMessage, LocalSqsMessageState, LocalSqsOperation,
  LocalSqsOptions, LocalSqsQueue, LocalSqsQueueAttributes, LocalSqsRedrivePolicy,
} from '../../emulators/sqs/index.ts';

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
