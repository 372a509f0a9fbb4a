import { readFileSync } from 'node:fs';
import { awsApis } from '../aws/aws-apis.ts';
import type { SsmApi } from '../aws/ssm-api.ts';
import { createCredentialsSource, type CredentialsSource } from './credentials.ts';
import { lazy } from './lazy.ts';
import { createParameterCache, type ParameterCache } from './parameter-cache.ts';
import { createParameterNames, type ParameterNames } from './parameter-names.ts';
import { readSettings, type Environment, type Settings } from './settings.ts';

/** The folders under the SSM prefix whose every name is listed at once (forms, webhook secrets). */
export type ListedFolder = 'forms' | 'secrets';

/**
 * Where a function's configuration comes from: the settings of its environment, and the values under
 * the SSM prefix (`forms/contact`, `secrets/calendly`, `meta/pages/<id>`, credentials). Under `npm start`
 * `CSMART_FORMS_FILE` and `CSMART_SECRETS_FILE` stand in for SSM; the deployed stages leave them empty.
 */
export type ConfigSources = {
  readonly settings: Settings;
  /** Values of names under the prefix, fetched together (one SSM batch) and cached for `CSMART_CONFIG_TTL`. */
  read(names: readonly string[]): Promise<Map<string, string | undefined>>;
  /**
   * Every name directly under a folder with its value, from one listing per cache period, so a name
   * that is not configured costs no SSM call; `undefined` until a listing has succeeded.
   */
  listing(folder: ListedFolder): Promise<ReadonlyMap<string, string> | undefined>;
  /** CSMART credentials: from the environment when set there, else from SSM. */
  readonly credentials: CredentialsSource;
  /** The SSM cache behind `read` and the credentials. */
  readonly parameters: ParameterCache;
};

export type ConfigSourcesOptions = {
  /**
   * SSM, asked on the first SSM call (local credentials and files never ask). Default: the lean signed
   * client when the environment allows it, else the SDK's client (`lib/aws/aws-apis.ts`).
   */
  ssm?: () => SsmApi;
};

/** Builds one function's configuration sources from its environment; fails here on a bad setting. */
export function createConfigSources(env: Environment, options: ConfigSourcesOptions = {}): ConfigSources {
  const settings = readSettings(env);
  const ssmApi = options.ssm ?? lazy(() => awsApis(env).ssm);
  const ssm: SsmApi = {
    getParameters: (input) => ssmApi().getParameters(input),
    getParametersByPath: (input) => ssmApi().getParametersByPath(input),
  };
  const ttlMs = settings.configTtlSeconds * 1000;
  const parameters = createParameterCache({ ssm, ttlMs });
  const listings = new Map<ListedFolder, ParameterNames>();
  const files = new Map<string, Record<string, unknown>>();

  const fileOf = (name: string) => (name.startsWith('forms/') ? settings.formsFile : settings.secretsFile);
  const localFile = (file: string) => {
    let data = files.get(file);
    if (!data) files.set(file, (data = readJsonObject(file)));
    return data;
  };

  return {
    settings,
    parameters,
    credentials: createCredentialsSource({ settings, env, parameters }),
    async read(names) {
      const remote = names.filter((name) => !fileOf(name));
      const fetched = remote.length > 0 ? await parameters.get(remote.map((name) => settings.ssmPrefix + name)) : new Map<string, string>();
      return new Map(names.map((name) => {
        const file = fileOf(name);
        return [name, file ? localValue(localFile(file), name) : fetched.get(settings.ssmPrefix + name)];
      }));
    },
    async listing(folder) {
      const file = fileOf(`${folder}/`);
      if (file) {
        const data = localFile(file);
        const names = Object.keys(data).filter((key) => !key.includes('/')).map((key) => `${folder}/${key}`);
        return new Map(names.flatMap((name) => {
          const value = localValue(data, name);
          return value === undefined ? [] : [[name, value] as const];
        }));
      }
      let names = listings.get(folder);
      if (!names) listings.set(folder, (names = createParameterNames({ ssm, path: `${settings.ssmPrefix}${folder}`, ttlMs })));
      const listed = await names.get();
      if (!listed) return undefined;
      return new Map([...listed].map(([name, value]) => [name.slice(settings.ssmPrefix.length), value]));
    },
  };
}

/**
 * A name's value in a local file: `forms/<form>` and `secrets/<source>` by their last part, anything
 * else (`meta/pages/<id>`, `webhooks/<source>`) by the whole name. Objects are kept as their JSON, as SSM keeps them.
 */
function localValue(data: Record<string, unknown>, name: string): string | undefined {
  const key = /^(forms|secrets)\/[^/]+$/.test(name) ? name.slice(name.indexOf('/') + 1) : name;
  const value = data[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return undefined;
}

function readJsonObject(file: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}
