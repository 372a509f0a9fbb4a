import { S3Client } from '@aws-sdk/client-s3';
import { endpointOverride, lazyClient } from '../aws.ts';

/**
 * The process's S3 client (honours `AWS_ENDPOINT_URL_S3`). Local S3 servers on an IP address cannot
 * serve virtual-hosted bucket names, so path-style addressing is forced whenever an endpoint is overridden.
 */
export const s3Client = lazyClient(() => new S3Client({ forcePathStyle: endpointOverride('S3') !== undefined }));
