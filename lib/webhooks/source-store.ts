import type { ConfigSources } from '../config/config-sources.ts';
import { RefusalError } from '../errors/refusal.ts';
import { readConfiguredEntry } from '../intake/configured-entry.ts';
import type { IntakeEvent } from '../intake/intake.ts';
import { parsedOnce } from '../intake/parsed-once.ts';
import { isNamedSource, isValidSourceName, parseSourceSettings, WebhookSettingsError, type SourceSettings } from '../providers/index.ts';
import { WebhookSourceNotConfiguredError } from './errors.ts';

export type SourceConfig = { source: string; secrets: string[]; settings: SourceSettings };

export type SourceStore = {
  /**
   * A source's signing secret (`<prefix>secrets/<source>`) and optional settings (`<prefix>webhooks/<source>`,
   * JSON). A source without a secret is not configured, found out without any SSM call while the secrets'
   * listing is known, so unsigned deliveries are never accepted and guessed names cost nothing. A name of
   * the customer's choice is then not found (404: the endpoint does not reveal which names exist); one of
   * the senders we support is not configured *yet* (503 with Retry-After, reported): a 404 would make
   * Typeform disable its webhook, while a 503 is retried until the secret is stored and listed.
   */
  load(source: string): Promise<SourceConfig>;
};

/** Names under `secrets/` that belong to something else than a webhook sender. */
const RESERVED = new Set(['turnstile']);

/** The source named in the path; anything that cannot name one is simply not found. */
export function sourceNameOf(pathSource: string | undefined): string {
  // `turnstile` is the lead forms' secret: it must never verify a webhook.
  if (pathSource === undefined || !isValidSourceName(pathSource) || RESERVED.has(pathSource)) {
    throw new RefusalError('not_found', 'source_not_found', 'There is no such webhook source.', { field: 'source' });
  }
  return pathSource;
}

export type SourceStoreOptions = {
  /** The cache period of the configuration (`CSMART_CONFIG_TTL`): a secret stored now is listed within it. */
  configTtlSeconds: number;
  /** Told of each delivery for a supported sender that is not configured, so the operator sees it (metric, alarm). */
  report: (event: IntakeEvent) => void;
};

/** The Retry-After of a supported sender not configured yet: the cache period, within a minute and a quarter of an hour. */
export function notConfiguredRetryAfter(configTtlSeconds: number): number {
  return Math.min(Math.max(configTtlSeconds, 60), 900);
}

/** The webhook sources of one function's configuration; each source's settings are parsed once while unchanged. */
export function createSourceStore(config: Pick<ConfigSources, 'read' | 'listing'>, options: SourceStoreOptions): SourceStore {
  const parse = parsedOnce(parseSettings);
  const notConfigured = (source: string): Error => {
    if (!isNamedSource(source)) return new RefusalError('not_found', 'source_not_found', `Webhook source "${source}" is not configured.`, { field: 'source' });
    options.report({ type: 'source-not-configured', origin: { source } });
    return new WebhookSourceNotConfiguredError(source, notConfiguredRetryAfter(options.configTtlSeconds));
  };
  return {
    async load(source) {
      const settingsName = `webhooks/${source}`;
      const { value: secret, extras } = await readConfiguredEntry(config, { folder: 'secrets', name: source, extras: [settingsName], wants: () => true });
      if (!secret) throw notConfigured(source);
      return { source, secrets: [secret], settings: parse(source, extras.get(settingsName)) };
    },
  };
}

function parseSettings(source: string, json: string | undefined): SourceSettings {
  let data: unknown = {};
  if (json !== undefined) {
    try {
      data = JSON.parse(json);
    } catch {
      throw new WebhookSettingsError('invalid_settings', `Settings of webhook source "${source}" (webhooks/${source}) are not valid JSON.`);
    }
  }
  return parseSourceSettings(source, data);
}
