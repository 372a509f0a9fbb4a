import type { WorkPlan } from '../intake/job.ts';
import type { SettingsSchema, SourceSettings } from './shared/source-settings.ts';

/** One inbound delivery as the HTTP function hands it over: header names lower-case, the body already base64-decoded. */
export type WebhookRequest = {
  source: string;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  contentType: string | undefined;
};

export type ProviderContext = {
  /** The stored signing secret values; each may hold several, one per line or as a JSON array (see `parseSecretValue`). */
  secrets: string[];
  /** The CRM's IANA time zone: every task time is written as wall-clock time there. */
  timeZone: string;
  now: Date;
  settings: SourceSettings;
};

export type ProviderResult =
  | { outcome: 'work'; plan: WorkPlan }
  /** Answered 200 and logged: an event type we do not handle, or one that needs no work. */
  | { outcome: 'ignored'; reason: string }
  /** Answered exactly 200 with nothing else (WooCommerce's unsigned creation ping). */
  | { outcome: 'ping' };

export type Provider = {
  name: string;
  /** What the source's settings (`<prefix>webhooks/<source>`) accept, with every default. */
  settings: SettingsSchema;
  /** Verifies, then maps. Throws `WebhookSignatureError`, `InputValidationError`, or `WebhookSettingsError` when no secret is configured. */
  handle(req: WebhookRequest, ctx: ProviderContext): ProviderResult;
  /** A sender's subscription check by GET (Meta): the text to answer with 200, or a `RefusalError`. Absent: GET is not allowed. */
  handshake?(query: Record<string, string | undefined>, ctx: ProviderContext): string;
};
