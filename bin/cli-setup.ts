import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createConfigSources, type ConfigSources } from '../lib/config/config-sources.ts';
import { lazy } from '../lib/config/lazy.ts';
import type { Environment } from '../lib/config/settings.ts';
import type { CsmartClient } from '../lib/csmart/client.ts';
import type { ExportDeps } from '../lib/export/configured-export.ts';
import { createExportSetup } from '../lib/setup/export.ts';
import { createConfiguredClient } from '../lib/setup/csmart-client.ts';

/** What the commands use, built on first use within one command line: a bad setting fails only the commands that read it. */
export type CliSetup = {
  config(): ConfigSources;
  client(): CsmartClient;
  exportDeps(): ExportDeps;
  sqs(): SQSClient;
  dynamo(): DynamoDBClient;
};

export function createCliSetup(env: Environment): CliSetup {
  const config = lazy(() => createConfigSources(env));
  return {
    config,
    client: lazy(() => createConfiguredClient(config().settings, config().credentials)),
    exportDeps: lazy(() => createExportSetup(env, { config: config() })),
    sqs: lazy(() => new SQSClient({})),
    dynamo: lazy(() => new DynamoDBClient({})),
  };
}
