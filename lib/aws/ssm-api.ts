import type { GetParametersByPathRequest, GetParametersByPathResult, GetParametersRequest, GetParametersResult } from '@aws-sdk/client-ssm';

/**
 * What the functions read from SSM Parameter Store, as a port: the lean signed client (`lean-ssm.ts`) or
 * the SDK's client (`sdk-ssm.ts`). Inputs and outputs are the SDK's own types (type-only).
 */
export type SsmApi = {
  getParameters(input: GetParametersRequest): Promise<GetParametersResult>;
  getParametersByPath(input: GetParametersByPathRequest): Promise<GetParametersByPathResult>;
};
