import { createConfigSources, type ConfigSources } from '../config/config-sources.ts';
import type { Environment, Settings } from '../config/settings.ts';
import type { Intake } from '../intake/intake.ts';
import { createFormStore, type FormStore } from '../leads/form-store.ts';
import { reportIntake } from '../observability/intake-log.ts';
import { createQueueIntake, type IntakeParts } from './queue-intake.ts';

export type LeadsSetup = {
  settings: Settings;
  forms: FormStore;
  intake: Intake;
  now(): Date;
};

/** Everything the lead function uses, built once per execution environment from its environment. */
export function createLeadsSetup(env: Environment, parts: IntakeParts & { config?: ConfigSources } = {}): LeadsSetup {
  const config = parts.config ?? createConfigSources(env);
  return {
    settings: config.settings,
    forms: createFormStore(config),
    intake: createQueueIntake(config.settings, parts, reportIntake),
    now: parts.now ?? (() => new Date()),
  };
}
