import { awsApis } from '../aws/aws-apis.ts';
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
  // SQS and SSM through the lean signed client where the environment allows (Lambda, npm start, offline), else the SDK.
  const aws = awsApis(env);
  const config = parts.config ?? createConfigSources(env, { ssm: () => aws.ssm });
  return {
    settings: config.settings,
    forms: createFormStore(config),
    intake: createQueueIntake(config.settings, () => aws.sqs, parts, reportIntake),
    now: parts.now ?? (() => new Date()),
  };
}
