import { SSMClient } from '@aws-sdk/client-ssm';
import { lazyClient } from '../aws.ts';

/** The process's SSM client (honours `AWS_ENDPOINT_URL_SSM`). */
export const ssmClient = lazyClient(() => new SSMClient({}));
