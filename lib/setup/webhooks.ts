import { awsApis } from '../aws/aws-apis.ts';
import { createConfigSources, type ConfigSources } from '../config/config-sources.ts';
import type { Environment, Settings } from '../config/settings.ts';
import type { Intake } from '../intake/intake.ts';
import { reportIntake } from '../observability/intake-log.ts';
import { createSourceStore, type SourceStore } from '../webhooks/source-store.ts';
import { createQueueIntake, type IntakeParts } from './queue-intake.ts';

export type WebhooksSetup = {
  settings: Settings;
  sources: SourceStore;
  intake: Intake;
  now(): Date;
};

/** Everything the webhook function uses, built once per execution environment from its environment. */
export function createWebhooksSetup(env: Environment, parts: IntakeParts & { config?: ConfigSources } = {}): WebhooksSetup {
  // SQS and SSM through the lean signed client where the environment allows (Lambda, npm start, offline), else the SDK.
  const aws = awsApis(env);
  const config = parts.config ?? createConfigSources(env, { ssm: () => aws.ssm });
  return {
    settings: config.settings,
    sources: createSourceStore(config, { configTtlSeconds: config.settings.configTtlSeconds, report: reportIntake }),
    intake: createQueueIntake(config.settings, () => aws.sqs, parts, reportIntake),
    now: parts.now ?? (() => new Date()),
  };
}
