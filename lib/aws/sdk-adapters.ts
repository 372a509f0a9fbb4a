import type { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { GetParametersByPathCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SqsApi } from './sqs-api.ts';
import type { SsmApi } from './ssm-api.ts';

/*
 * The SDK's clients behind the ports. The command classes are passed in (type-only imports here), so the
 * same adapter serves the bundled SDK (`sdk-sqs.ts`, `sdk-ssm.ts`: the worker, the CLI, tests) and the SDK
 * the HTTP functions load only for their fallback (`sdk-fallback.ts`).
 */

export type SqsCommands = { SendMessageCommand: typeof SendMessageCommand; GetQueueUrlCommand: typeof GetQueueUrlCommand };
export type SsmCommands = { GetParametersCommand: typeof GetParametersCommand; GetParametersByPathCommand: typeof GetParametersByPathCommand };

export function sqsThroughSdk(client: SQSClient, commands: SqsCommands): SqsApi {
  return {
    sendMessage: (input) => client.send(new commands.SendMessageCommand(input)),
    getQueueUrl: (input) => client.send(new commands.GetQueueUrlCommand(input)),
    // An endpoint given to the client, or one the SDK resolves itself from AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL or a profile.
    hasConfiguredEndpoint: async () => client.config.isCustomEndpoint || (await client.config.serviceConfiguredEndpoint?.()) !== undefined,
  };
}

export function ssmThroughSdk(client: Pick<SSMClient, 'send'>, commands: SsmCommands): SsmApi {
  return {
    getParameters: (input) => client.send(new commands.GetParametersCommand(input)),
    getParametersByPath: (input) => client.send(new commands.GetParametersByPathCommand(input)),
  };
}
