import type { GetQueueUrlRequest, GetQueueUrlResult, SendMessageRequest, SendMessageResult } from '@aws-sdk/client-sqs';

/**
 * What the HTTP functions ask of SQS, as a port: the lean signed client (`lean-sqs.ts`) or the SDK's
 * client (`sdk-sqs.ts`). Inputs and outputs are the SDK's own types (type-only: no SDK code is loaded).
 */
export type SqsApi = {
  sendMessage(input: SendMessageRequest): Promise<SendMessageResult>;
  getQueueUrl(input: GetQueueUrlRequest): Promise<GetQueueUrlResult>;
  /** Whether requests go to a configured endpoint (`AWS_ENDPOINT_URL*`, a profile's `endpoint_url`, the client's option). */
  hasConfiguredEndpoint(): Promise<boolean>;
};
