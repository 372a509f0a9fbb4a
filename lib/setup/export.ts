import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createS3Client } from '../config/aws/s3.ts';
import { createConfigSources, type ConfigSources } from '../config/config-sources.ts';
import { lazy } from '../config/lazy.ts';
import type { Environment } from '../config/settings.ts';
import type { CallEvent } from '../csmart/client.ts';
import type { ExportDeps } from '../export/configured-export.ts';
import { reportClientEvent } from '../observability/client-log.ts';
import { createConfiguredClient } from './csmart-client.ts';

export type ExportSetup = ExportDeps;

/** Everything the scheduled export uses, built once per execution environment; the AWS clients on first use. */
export function createExportSetup(env: Environment, parts: { config?: ConfigSources; onClientEvent?: (event: CallEvent) => void } = {}): ExportSetup {
  const config = parts.config ?? createConfigSources(env);
  return {
    settings: config.settings,
    credentials: config.credentials,
    client: createConfiguredClient(config.settings, config.credentials, parts.onClientEvent ?? reportClientEvent),
    s3: lazy(() => createS3Client(env)),
    eventBridge: lazy(() => new EventBridgeClient({})),
  };
}
