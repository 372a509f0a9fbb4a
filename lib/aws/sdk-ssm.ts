import { GetParametersByPathCommand, GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ssmThroughSdk } from './sdk-adapters.ts';
import type { SsmApi } from './ssm-api.ts';

/** A bundled SDK SSM client behind the port (the worker, the export, the CLI, tests). */
export function sdkSsm(client: Pick<SSMClient, 'send'>): SsmApi {
  return ssmThroughSdk(client, { GetParametersCommand, GetParametersByPathCommand });
}
