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
  const config = parts.config ?? createConfigSources(env);
  return {
    settings: config.settings,
    sources: createSourceStore(config),
    intake: createQueueIntake(config.settings, parts, reportIntake),
    now: parts.now ?? (() => new Date()),
  };
}
