import type { GetParametersByPathResult, GetParametersResult } from '@aws-sdk/client-ssm';
import type { LeanAws } from './aws-environment.ts';
import { createJsonService, type JsonServiceOptions } from './json-service.ts';
import type { SsmApi } from './ssm-api.ts';

/** SSM Parameter Store reads over signed JSON requests (`AmazonSSM.<Operation>`, JSON 1.1). */
export function leanSsm(aws: LeanAws, options: Partial<JsonServiceOptions> = {}): SsmApi {
  const ssm = createJsonService({ signingName: 'ssm', targetPrefix: 'AmazonSSM', jsonVersion: '1.1', region: aws.region, credentials: aws.credentials, maxAttempts: aws.maxAttempts, ...options });
  const endpoint = aws.endpointOf('SSM');
  return {
    getParameters: (input) => ssm.call<GetParametersResult>('GetParameters', input, endpoint),
    getParametersByPath: (input) => ssm.call<GetParametersByPathResult>('GetParametersByPath', input, endpoint),
  };
}
