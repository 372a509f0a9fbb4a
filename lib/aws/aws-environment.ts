import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { maxAttemptsFrom } from './retry-policy.ts';

export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** The services the lean client speaks, by the SDK's service id (`AWS_ENDPOINT_URL_<ID>`). */
export type LeanServiceId = 'SQS' | 'SSM';

/** What a signed request needs, read from the environment exactly as the SDK would read it. */
export type LeanAws = {
  region: string;
  credentials: AwsCredentials;
  maxAttempts: number;
  /** Where a service's requests go: `AWS_ENDPOINT_URL_<ID>`, `AWS_ENDPOINT_URL`, else the service's AWS endpoint. */
  endpointOf(service: LeanServiceId): URL;
  /** Whether that endpoint was configured (not the service's own on AWS). */
  isConfigured(service: LeanServiceId): boolean;
};

/** Why the SDK is used instead: a setting only the SDK reads (a profile, another credential source, FIPS…). */
export type SdkOnly = { sdk: string };

type Env = Readonly<Record<string, string | undefined>>;

/** Profile keys that change where requests go or how they are retried: with one of them set, the SDK decides. */
const PROFILE_KEYS = ['endpoint_url', 'services', 'ignore_configured_endpoint_urls', 'use_fips_endpoint', 'use_dualstack_endpoint', 'max_attempts', 'retry_mode'];

/**
 * The lean client's settings when the environment alone decides what the SDK would do — credentials in
 * `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` (as Lambda sets them), `AWS_REGION`, the
 * endpoint overrides — else why not. Lambda has no shared config file; where one exists (a developer's
 * machine), its default profile is read with the SDK's own loader and any key above hands the call to the SDK.
 */
export async function leanAwsFrom(env: Env): Promise<LeanAws | SdkOnly> {
  // With AWS_PROFILE set the SDK skips the environment's credentials and takes the profile's.
  if (env.AWS_PROFILE) return { sdk: 'AWS_PROFILE is set' };
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken, AWS_REGION: region } = env;
  if (!accessKeyId || !secretAccessKey) return { sdk: 'no credentials in the environment' };
  if (!region || !/^[a-z0-9-]+$/.test(region)) return { sdk: 'no AWS_REGION' };
  const domain = awsDomainOf(region);
  if (!domain) return { sdk: `region ${region} is in a partition the lean client does not know` };
  for (const name of ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT']) {
    if (env[name] !== undefined && env[name] !== 'false') return { sdk: `${name} is set` };
  }
  if (env.AWS_RETRY_MODE !== undefined && env.AWS_RETRY_MODE !== 'standard') return { sdk: 'AWS_RETRY_MODE is not standard' };
  const maxAttempts = maxAttemptsFrom(env.AWS_MAX_ATTEMPTS);
  if (maxAttempts === undefined) return { sdk: 'AWS_MAX_ATTEMPTS is not a number' };
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  if (ignore !== undefined && ignore !== 'true' && ignore !== 'false') return { sdk: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is neither true nor false' };
  const profileSays = await sharedProfileKeys(env);
  if (profileSays) return { sdk: profileSays };

  const configured = (service: LeanServiceId) => (ignore === 'true' ? undefined : env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined);
  const endpoints = new Map<LeanServiceId, URL>();
  for (const service of ['SQS', 'SSM'] as const) {
    const given = configured(service);
    const url = given === undefined ? new URL(`https://${service.toLowerCase()}.${region}.${domain}`) : URL.canParse(given) ? new URL(given) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return { sdk: `the ${service} endpoint ${given} is not an http(s) URL` };
    endpoints.set(service, url);
  }
  return {
    region,
    credentials: sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey },
    maxAttempts,
    endpointOf: (service) => endpoints.get(service)!,
    isConfigured: (service) => configured(service) !== undefined,
  };
}

/** The domain of a region's partition (aws, aws-cn, aws-us-gov); `undefined` for the isolated ones. */
function awsDomainOf(region: string): string | undefined {
  if (/^cn-/.test(region)) return 'amazonaws.com.cn';
  if (/^(us-iso|eu-iso|us-isob|us-isof)/.test(region)) return undefined;
  return 'amazonaws.com';
}

/**
 * Which of PROFILE_KEYS the default profile sets in the shared config or credentials file (the files the
 * SDK reads: `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/…`); `undefined` for none or no file.
 */
async function sharedProfileKeys(env: Env): Promise<string | undefined> {
  const home = env.HOME || env.USERPROFILE || homedir();
  const files = [env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials')];
  if (!files.some((file) => existsSync(file))) return undefined;
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ configFilepath: files[0], filepath: files[1] });
  const profile = { ...credentialsFile.default, ...configFile.default };
  const set = PROFILE_KEYS.filter((key) => profile[key] !== undefined);
  return set.length > 0 ? `the default profile sets ${set.join(', ')}` : undefined;
}
