import { processParameterNames, processParameters, processSettings } from '../config/runtime.ts';
import { HttpError } from '../http/errors.ts';
import { readLocalJson } from '../inbound/local-file.ts';
import { parsedOnce } from '../inbound/parsed-once.ts';
import { isValidSourceName, parseSourceSettings, WebhookSettingsError, type SourceSettings } from '../providers/index.ts';

export type SourceConfig = { source: string; secrets: string[]; settings: SourceSettings };

/** The source named in the path; anything that cannot name one is simply not found. */
/** Names under `secrets/` that belong to something else than a webhook sender. */
const RESERVED = new Set(['turnstile']);

export function sourceNameOf(pathSource: string | undefined): string {
  // `turnstile` is the lead forms' secret: it must never verify a webhook.
  if (pathSource === undefined || !isValidSourceName(pathSource) || RESERVED.has(pathSource)) {
    throw new HttpError(404, 'source_not_found', 'There is no such webhook source.', { field: 'source' });
  }
  return pathSource;
}

/**
 * A source's signing secret (`<prefix>secrets/<source>`, from the listing of every secret, one per cache
 * period) and optional settings (`<prefix>webhooks/<source>`, JSON, cached). A source without a secret is
 * not configured: 404 without any SSM call, so unsigned deliveries are never accepted, guessed names cost
 * nothing, and the endpoint does not reveal which senders exist.
 */
export async function loadSourceConfig(source: string): Promise<SourceConfig> {
  const settings = processSettings();
  let secret: string | undefined;
  let json: string | undefined;
  if (settings.secretsFile) {
    const value = readLocalJson(settings.secretsFile)[source];
    secret = typeof value === 'string' ? value : undefined;
  } else {
    const secretName = `${settings.ssmPrefix}secrets/${source}`;
    const settingsName = `${settings.ssmPrefix}webhooks/${source}`;
    // Secrets come from one listing per cache period: a name that is not configured costs no SSM call,
    // so guessing names cannot use up the SSM quota. Until a listing succeeds, the names are asked for.
    const listed = await processParameterNames('secrets').get();
    if (listed) {
      secret = listed.get(secretName);
      if (!secret) throw notConfigured(source);
      json = (await processParameters().get([settingsName])).get(settingsName);
    } else {
      const values = await processParameters().get([secretName, settingsName]);
      secret = values.get(secretName);
      json = values.get(settingsName);
    }
  }
  if (!secret) throw notConfigured(source);
  return { source, secrets: [secret], settings: cachedParse(source, json) };
}

function notConfigured(source: string): HttpError {
  return new HttpError(404, 'source_not_found', `Webhook source "${source}" is not configured.`, { field: 'source' });
}

const cachedParse = parsedOnce((source: string, json: string | undefined): SourceSettings => {
  let data: unknown = {};
  if (json !== undefined) {
    try {
      data = JSON.parse(json);
    } catch {
      throw new WebhookSettingsError('invalid_settings', `Settings of webhook source "${source}" (webhooks/${source}) are not valid JSON.`);
    }
  }
  return parseSourceSettings(source, data);
});
