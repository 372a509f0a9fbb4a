import { ssmClient } from './aws/ssm.ts';
import { createCredentialsSource } from './credentials.ts';
import type { CredentialsSource } from './credentials.ts';
import { createParameterCache } from './parameter-cache.ts';
import type { ParameterCache } from './parameter-cache.ts';
import { createParameterNames } from './parameter-names.ts';
import type { ParameterNames } from './parameter-names.ts';
import { readSettings } from './settings.ts';
import type { Settings } from './settings.ts';

// One of each per process (per Lambda execution environment), built on first use from process.env.
let settings: Settings | undefined;
let parameters: ParameterCache | undefined;
let credentials: CredentialsSource | undefined;
const names = new Map<string, ParameterNames>();

/** This process's settings, validated on first call (throws `CsmartConfigError` on a bad value). */
export function processSettings(): Settings {
  return (settings ??= readSettings(process.env));
}

/** This process's SSM cache (TTL from `CSMART_CONFIG_TTL`), shared by credentials and webhook secrets. */
export function processParameters(): ParameterCache {
  return (parameters ??= createParameterCache({
    // The client is created on the first fetch, so local credentials never build one.
    ssm: { send: (command) => ssmClient().send(command) },
    ttlMs: processSettings().configTtlSeconds * 1000,
  }));
}

/**
 * The parameter names directly under `<prefix><folder>` (`forms`, `secrets`), listed once per
 * `CSMART_CONFIG_TTL`: unknown form and source names are answered without asking SSM for them.
 */
export function processParameterNames(folder: string): ParameterNames {
  let listing = names.get(folder);
  if (!listing) {
    listing = createParameterNames({
      ssm: { send: (command) => ssmClient().send(command) },
      path: `${processSettings().ssmPrefix}${folder}`,
      ttlMs: processSettings().configTtlSeconds * 1000,
    });
    names.set(folder, listing);
  }
  return listing;
}

/** This process's CSMART credentials: from the environment when set there, else from SSM. */
export function processCredentials(): CredentialsSource {
  return (credentials ??= createCredentialsSource({ settings: processSettings(), env: process.env, parameters: processParameters() }));
}

/** Forgets the settings, cache and credentials source so the next call reads process.env again (tests). */
export function resetProcessConfig(): void {
  settings = undefined;
  parameters = undefined;
  credentials = undefined;
  names.clear();
}
