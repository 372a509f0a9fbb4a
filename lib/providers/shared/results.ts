import type { WorkPlan } from '../../intake/job.ts';
import type { ProviderResult } from '../types.ts';

export function work(plan: WorkPlan): ProviderResult {
  return { outcome: 'work', plan };
}

/** An event we do not handle. The type is the sender's text: cut short for the log line. */
export function ignoredEvent(provider: string, eventType: string): ProviderResult {
  return { outcome: 'ignored', reason: `${provider} event ${JSON.stringify(eventType.slice(0, 64))} is not handled` };
}

/** Drops undefined values, so plans compare and serialise without empty keys. */
export function compact<T extends Record<string, unknown>>(record: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
