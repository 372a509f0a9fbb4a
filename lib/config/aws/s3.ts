import { S3Client } from '@aws-sdk/client-s3';
import { endpointOverride } from '../aws.ts';

/**
 * An S3 client that honours `AWS_ENDPOINT_URL_S3`. Local S3 servers on an IP address cannot serve
 * virtual-hosted bucket names, so path-style addressing is forced whenever an endpoint is overridden.
 * There, too, checksums are computed only where an operation requires them: current SDKs add CRC32
 * headers to every upload by default, which S3-compatible stores such as Backblaze B2 or OVH refuse.
 * AWS S3 itself keeps the SDK's default, and an operator's own setting
 * (`AWS_REQUEST_CHECKSUM_CALCULATION`, `AWS_RESPONSE_CHECKSUM_VALIDATION`) always wins.
 */
export function createS3Client(env: Readonly<Record<string, string | undefined>>): S3Client {
  const compatible = endpointOverride('S3', env) !== undefined;
  return new S3Client({
    forcePathStyle: compatible,
    ...(compatible && !env.AWS_REQUEST_CHECKSUM_CALCULATION ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const } : {}),
    ...(compatible && !env.AWS_RESPONSE_CHECKSUM_VALIDATION ? { responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
  });
}
