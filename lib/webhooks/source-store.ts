import type { ConfigSources } from '../config/config-sources.ts';
import { RefusalError } from '../errors/refusal.ts';
import { readConfiguredEntry } from '../intake/configured-entry.ts';
import { parsedOnce } from '../intake/parsed-once.ts';
import { isValidSourceName, parseSourceSettings, WebhookSettingsError, type SourceSettings } from '../providers/index.ts';

export type SourceConfig = { source: string; secrets: string[]; settings: SourceSettings };

export type SourceStore = {
  /**
   * A source's signing secret (`<prefix>secrets/<source>`) and optional settings (`<prefix>webhooks/<source>`,
   * JSON). A source without a secret is not configured: not found, without any SSM call while the secrets'
   * listing is known, so unsigned deliveries are never accepted, guessed names cost nothing, and the
   * endpoint does not reveal which senders exist.
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

/** The webhook sources of one function's configuration; each source's settings are parsed once while unchanged. */
export function createSourceStore(config: Pick<ConfigSources, 'read' | 'listing'>): SourceStore {
  const parse = parsedOnce(parseSettings);
  return {
    async load(source) {
      const settingsName = `webhooks/${source}`;
      const { value: secret, extras } = await readConfiguredEntry(config, { folder: 'secrets', name: source, extras: [settingsName], wants: () => true });
      if (!secret) throw new RefusalError('not_found', 'source_not_found', `Webhook source "${source}" is not configured.`, { field: 'source' });
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
