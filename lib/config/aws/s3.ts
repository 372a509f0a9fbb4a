import { S3Client } from '@aws-sdk/client-s3';
import { endpointOverride } from '../aws.ts';

/**
 * An S3 client that honours `AWS_ENDPOINT_URL_S3`. Local S3 servers on an IP address cannot serve
 * virtual-hosted bucket names, so path-style addressing is forced whenever an endpoint is overridden.
 */
export function createS3Client(env: Readonly<Record<string, string | undefined>>): S3Client {
  return new S3Client({ forcePathStyle: endpointOverride('S3', env) !== undefined });
}
