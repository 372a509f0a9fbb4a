import { CsmartError } from '../csmart/errors.ts';

/**
 * SSM Parameter Store could not be read and no earlier value of these parameters is cached.
 * Code `config`, but transient: the same call may succeed once SSM answers again (a queue retry helps,
 * unlike a missing parameter). The message names parameters only; the SDK's error is the `cause`.
 */
export class ParameterStoreUnavailableError extends CsmartError {
  override name = 'ParameterStoreUnavailableError';
  readonly parameters: readonly string[];

  constructor(parameters: readonly string[], cause: unknown) {
    super('config', `SSM Parameter Store could not be read for ${parameters.join(', ')}`, { cause }, true);
    this.parameters = parameters;
  }
}

/**
 * A setting the function needs (its queues, its link table) is not set: our side is misconfigured, so no
 * sender's input is at fault. Code `config`, like every configuration error; `setting` names the variable.
 */
export class ConfigSettingMissingError extends Error {
  override name = 'ConfigSettingMissingError';
  readonly code = 'config';
  readonly setting: string;
  constructor(message: string, setting: string) {
    super(message);
    this.setting = setting;
  }
}
