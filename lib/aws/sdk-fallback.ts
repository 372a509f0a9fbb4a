import { sqsThroughSdk, ssmThroughSdk } from './sdk-adapters.ts';
import type { SqsApi } from './sqs-api.ts';
import type { SsmApi } from './ssm-api.ts';

/*
 * The SDK for the HTTP functions' fallback (a profile, AWS_PROFILE, FIPS…: see aws-environment.ts), loaded
 * by name at run time instead of bundled. A bundled SDK, even one only evaluated on demand, is still compiled
 * with the bundle at every cold start (~26–38 ms for the SQS and SSM clients, README's performance section).
 * The name is a variable, so the bundler leaves the import alone: it resolves from the bundle's place —
 * the project's node_modules under `npm start` and serverless offline, the Lambda runtime's SDK on AWS
 * (where the environment always holds credentials and a region, so the fallback is not taken).
 */

type SqsModule = typeof import('@aws-sdk/client-sqs');
type SsmModule = typeof import('@aws-sdk/client-ssm');

const SQS_PACKAGE = '@aws-sdk/client-sqs';
const SSM_PACKAGE = '@aws-sdk/client-ssm';

/** The SDK's SQS client with its defaults (region, credentials and endpoint from its own chain). */
export async function fallbackSqs(): Promise<SqsApi> {
  const sdk = (await import(SQS_PACKAGE)) as SqsModule;
  return sqsThroughSdk(new sdk.SQSClient({}), sdk);
}

/** The SDK's SSM client with its defaults. */
export async function fallbackSsm(): Promise<SsmApi> {
  const sdk = (await import(SSM_PACKAGE)) as SsmModule;
  return ssmThroughSdk(new sdk.SSMClient({}), sdk);
}
