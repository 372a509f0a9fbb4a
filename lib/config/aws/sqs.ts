import { SQSClient } from '@aws-sdk/client-sqs';
import { lazyClient } from '../aws.ts';

/** The process's SQS client (honours `AWS_ENDPOINT_URL_SQS`). */
export const sqsClient = lazyClient(() => new SQSClient({}));
