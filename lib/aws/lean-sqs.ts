import type { GetQueueUrlResult, SendMessageResult } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import type { LeanAws } from './aws-environment.ts';
import { createJsonService, type JsonServiceOptions } from './json-service.ts';
import type { SqsApi } from './sqs-api.ts';

/**
 * SQS over signed JSON requests (`AmazonSQS.<Operation>`, JSON 1.0). As the SDK's client does by default
 * (`useQueueUrlAsEndpoint`), a call about a queue goes to its URL's origin; `GetQueueUrl` goes to the endpoint.
 * A `SendMessage` answer whose MD5 of the body differs is refused, as the SDK refuses it.
 */
export function leanSqs(aws: LeanAws, options: Partial<JsonServiceOptions> = {}): SqsApi {
  const sqs = createJsonService({ signingName: 'sqs', targetPrefix: 'AmazonSQS', jsonVersion: '1.0', region: aws.region, credentials: aws.credentials, maxAttempts: aws.maxAttempts, ...options });
  const endpoint = aws.endpointOf('SQS');
  const queueOrigin = (queueUrl: string | undefined) => (queueUrl && URL.canParse(queueUrl) ? new URL(new URL(queueUrl).origin) : endpoint);
  return {
    async sendMessage(input) {
      const output = await sqs.call<SendMessageResult>('SendMessage', input, queueOrigin(input.QueueUrl));
      if (output.MD5OfMessageBody !== createHash('md5').update(input.MessageBody ?? '').digest('hex')) throw new Error('InvalidChecksumError');
      return output;
    },
    getQueueUrl: (input) => sqs.call<GetQueueUrlResult>('GetQueueUrl', input, endpoint),
    hasConfiguredEndpoint: async () => aws.isConfigured('SQS'),
  };
}
