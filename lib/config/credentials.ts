import { createHash } from 'node:crypto';
import { CsmartConfigError } from '../csmart/errors.ts';
import type { ParameterCache } from './parameter-cache.ts';
import type { Environment, Settings } from './settings.ts';

/** What a CSMART login needs. `hash` is the SHA-1 hex of the password, lower case; never log it. */
export type { Credentials } from '../csmart/client.ts';
import type { Credentials } from '../csmart/client.ts';

export type CredentialsSource = () => Promise<Credentials>;

export type CredentialsSourceOptions = {
  settings: Pick<Settings, 'apiUrl' | 'ssmPrefix'>;
  env: Environment;
  /** Needed unless the environment holds a complete set of local credentials. */
  parameters?: Pick<ParameterCache, 'get'>;
};

/** The variables that give local credentials and skip SSM (README: "local credentials"). */
export const CREDENTIAL_VARIABLES = {
  domain: 'CSMART_DOMAIN',
  email: 'CSMART_EMAIL',
  password: 'CSMART_PASSWORD',
  passwordSha1: 'CSMART_PASSWORD_SHA1',
} as const;

/** The SSM parameter names below the prefix (SecureString). */
export const CREDENTIAL_PARAMETERS = {
  domain: 'domain',
  email: 'email',
  password: 'password',
  passwordSha1: 'password-sha1',
} as const;

type Found = { domain?: string | undefined; email?: string | undefined; password?: string | undefined; passwordSha1?: string | undefined };

/** SHA-1 of the UTF-8 bytes of a text, lower-case hex: the form CSMART's login wants the password in. */
export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/**
 * Where CSMART credentials come from. A complete set in the environment (`CSMART_DOMAIN`,
 * `CSMART_EMAIL`, and `CSMART_PASSWORD` or `CSMART_PASSWORD_SHA1`) is used as is and SSM is never
 * asked; otherwise each call reads `<prefix>domain`, `email`, `password` | `password-sha1` in one
 * batch through the parameter cache, so a rotated password is picked up once the cache's TTL ends.
 * A partial local set throws a `CsmartConfigError` here, at cold start.
 */
export function createCredentialsSource(options: CredentialsSourceOptions): CredentialsSource {
  const { settings, env, parameters } = options;
  const endpoint = settings.apiUrl;

  const local = fromEnvironment(env);
  if (local) {
    const credentials = Object.freeze({ endpoint, ...local });
    return async () => credentials;
  }

  const names = {
    domain: settings.ssmPrefix + CREDENTIAL_PARAMETERS.domain,
    email: settings.ssmPrefix + CREDENTIAL_PARAMETERS.email,
    password: settings.ssmPrefix + CREDENTIAL_PARAMETERS.password,
    passwordSha1: settings.ssmPrefix + CREDENTIAL_PARAMETERS.passwordSha1,
  };
  const all = Object.values(names);

  return async () => {
    if (!parameters) {
      throw new CsmartConfigError(`No CSMART credentials: set ${Object.values(CREDENTIAL_VARIABLES).join(', ')} or give a parameter store for ${all.join(', ')}`);
    }
    const values = await parameters.get(all);
    const found: Found = {
      domain: values.get(names.domain)?.trim(),
      email: values.get(names.email)?.trim(),
      password: values.get(names.password),
      passwordSha1: values.get(names.passwordSha1)?.trim(),
    };
    return { endpoint, ...complete(found, names, 'SSM parameter') };
  };
}

/** Local credentials, or `undefined` when none of the variables is set. */
function fromEnvironment(env: Environment): Omit<Credentials, 'endpoint'> | undefined {
  // Serverless passes `${env:X, ''}` for unset variables: blank means not set.
  const read = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  const found: Found = {
    domain: read(CREDENTIAL_VARIABLES.domain)?.trim(),
    email: read(CREDENTIAL_VARIABLES.email)?.trim(),
    password: read(CREDENTIAL_VARIABLES.password),
    passwordSha1: read(CREDENTIAL_VARIABLES.passwordSha1)?.trim(),
  };
  if (Object.values(found).every((value) => value === undefined)) return undefined;
  return complete(found, CREDENTIAL_VARIABLES, 'environment variable');
}

/** Checks a set of credentials; errors name the variables or parameters, never a value. */
function complete(found: Found, names: Record<keyof Found, string>, kind: string): Omit<Credentials, 'endpoint'> {
  const missing: string[] = [];
  if (!found.domain) missing.push(names.domain);
  if (!found.email) missing.push(names.email);
  if (!found.password && !found.passwordSha1) missing.push(`${names.password} or ${names.passwordSha1}`);
  if (missing.length > 0) {
    throw new CsmartConfigError(`CSMART credentials incomplete: missing ${kind} ${missing.join(', ')}`, { field: missing[0] });
  }
  // Both set is ambiguous (one is probably stale after a rotation): refuse rather than guess.
  if (found.password && found.passwordSha1) {
    throw new CsmartConfigError(`Set only one of ${kind}s ${names.password} and ${names.passwordSha1}`, { field: names.password });
  }
  let hash: string;
  if (found.passwordSha1) {
    if (!/^[0-9a-f]{40}$/i.test(found.passwordSha1)) {
      throw new CsmartConfigError(`${kind} ${names.passwordSha1} must be 40 hexadecimal characters (a SHA-1 hash)`, { field: names.passwordSha1 });
    }
    hash = found.passwordSha1.toLowerCase();
  } else {
    hash = sha1Hex(found.password ?? '');
  }
  return { domain: found.domain ?? '', email: found.email ?? '', hash };
}
