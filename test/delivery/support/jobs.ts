import type { DeliveryJob, LinkRef } from '../../../lib/intake/job.ts';

/** A job of one record step, as a webhook mapper makes it; a fresh dedupe key each time. */
export function recordJob(externalId: string, module: 'Events' | 'Opportunities', fields: Record<string, string>, extra: { aliases?: LinkRef[]; ifMissing?: 'create' | 'skip'; source?: string } = {}): DeliveryJob {
  const source = extra.source ?? 'test';
  return {
    v: 1, id: `job-${externalId}-${Math.random().toString(36).slice(2)}`, source, kind: 'task', receivedAt: new Date().toISOString(),
    groupKey: externalId, dedupeKey: `${externalId}-${Math.random()}`,
    steps: [{
      kind: 'record', module, fields, link: { source, externalId },
      ...(extra.aliases ? { aliases: extra.aliases } : {}), ...(extra.ifMissing ? { ifMissing: extra.ifMissing } : {}),
    }],
  };
}

export const task = (externalId: string, fields: Record<string, string>, extra?: Parameters<typeof recordJob>[3]) => recordJob(externalId, 'Events', fields, extra);
