import { httpErrorOf } from '../../../lib/http/error-answer.ts';
import type { HttpError } from '../../../lib/http/errors.ts';
import { defaultSettings } from '../../../lib/providers/index.ts';
import { registerSecret } from '../../support/log-scan.ts';
import type { WorkPlan } from '../../../lib/intake/job.ts';
import type { ProviderContext, ProviderResult, SourceSettings, WebhookRequest } from '../../../lib/providers/index.ts';

/** The clock of every provider test: 2026-03-12 16:00 UTC. */
export const NOW = new Date('2026-03-12T16:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const TIME_ZONE = 'Europe/Warsaw';

export function contextFor(source: string, secrets: string[], overrides: Partial<Omit<ProviderContext, 'settings'>> & { settings?: Partial<SourceSettings> } = {}): ProviderContext {
  const { settings, ...rest } = overrides;
  registerSecret(...secrets);
  return { secrets, timeZone: TIME_ZONE, now: NOW, ...rest, settings: { ...defaultSettings(source), ...settings } };
}

export function request(source: string, rawBody: Buffer, headers: Record<string, string>, contentType = 'application/json'): WebhookRequest {
  return { source, rawBody, headers: { 'content-type': contentType, ...headers }, contentType };
}

/** The error a call throws, for assertions on its class and code. */
export function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** The plan of a result that must be work. */
export function planOf(result: ProviderResult): WorkPlan {
  if (result.outcome !== 'work') throw new Error(`expected work, got ${result.outcome}`);
  return result.plan;
}

/** The error a call throws as the HTTP layer answers it (status, code, field): what a sender sees must not change. */
export function answered(act: () => unknown): HttpError {
  return httpErrorOf(thrown(act));
}
