import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lazyClient } from '../aws.ts';

/** The process's DynamoDB client (honours `AWS_ENDPOINT_URL_DYNAMODB`). */
export const dynamoClient = lazyClient(() => new DynamoDBClient({}));
