import { leanAwsFrom } from './aws-environment.ts';
import { leanSqs } from './lean-sqs.ts';
import { fallbackSqs, fallbackSsm } from './sdk-fallback.ts';
import { leanSsm } from './lean-ssm.ts';
import type { SqsApi } from './sqs-api.ts';
import type { SsmApi } from './ssm-api.ts';

/** The SQS and SSM ports of one function, and which client serves them. */
export type AwsApis = {
  sqs: SqsApi;
  ssm: SsmApi;
  /** `lean`, or why the SDK serves (decided on the first call). */
  served(): Promise<'lean' | { sdk: string }>;
};

/**
 * SQS and SSM for a function's setup: the lean signed client whenever the environment alone says what
 * the SDK would do (credentials and region in it, as on Lambda, under `npm start` and serverless
 * offline), else the SDK's clients (`sdk-fallback.ts`). Decided on the first call; the SDK is loaded only
 * then, so a path served by the lean client never loads it.
 */
export function awsApis(env: Readonly<Record<string, string | undefined>>): AwsApis {
  let decided: ReturnType<typeof leanAwsFrom> | undefined;
  const decide = () => (decided ??= leanAwsFrom(env));
  let sqs: Promise<SqsApi> | undefined;
  let ssm: Promise<SsmApi> | undefined;
  const sqsApi = () => (sqs ??= decide().then(async (aws) => {
    if (!('sdk' in aws)) return leanSqs(aws);
    return fallbackSqs();
  }));
  const ssmApi = () => (ssm ??= decide().then(async (aws) => {
    if (!('sdk' in aws)) return leanSsm(aws);
    return fallbackSsm();
  }));
  return {
    sqs: {
      sendMessage: async (input) => (await sqsApi()).sendMessage(input),
      getQueueUrl: async (input) => (await sqsApi()).getQueueUrl(input),
      hasConfiguredEndpoint: async () => (await sqsApi()).hasConfiguredEndpoint(),
    },
    ssm: {
      getParameters: async (input) => (await ssmApi()).getParameters(input),
      getParametersByPath: async (input) => (await ssmApi()).getParametersByPath(input),
    },
    served: async () => {
      const aws = await decide();
      return 'sdk' in aws ? aws : 'lean';
    },
  };
}
