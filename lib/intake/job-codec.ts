import * as v from 'valibot';
import { ENRICH_MODES } from './enrich-modes.ts';
import { IntakeJobUnreadableError } from './errors.ts';
import type { DeliveryJob } from './job.ts';

const text = v.string();
const fields = v.record(v.string(), v.string());
const linkRef = v.object({ source: text, externalId: text });

const stepSchema = v.variant('kind', [
  v.object({
    kind: v.literal('account'),
    fields,
    match: v.object({ nip: v.optional(text), email: v.optional(text) }),
    onMatch: v.picklist(['update', 'keep']),
    link: v.optional(linkRef),
  }),
  v.object({
    kind: v.literal('record'),
    module: v.picklist(['Events', 'Opportunities']),
    fields,
    link: linkRef,
    aliases: v.optional(v.array(linkRef)),
    withAccount: v.optional(v.boolean()),
    ifMissing: v.optional(v.picklist(['create', 'skip'])),
  }),
]);

const jobSchema = v.object({
  v: v.literal(1),
  id: text,
  source: text,
  kind: text,
  receivedAt: text,
  groupKey: text,
  dedupeKey: text,
  steps: v.array(stepSchema),
  enrich: v.optional(v.picklist(ENRICH_MODES)),
  fetchLeads: v.optional(v.object({
    from: v.literal('meta'),
    settings: v.record(v.string(), v.unknown()),
    leads: v.array(v.object({
      leadgenId: text, pageId: text, formId: v.optional(text), adId: v.optional(text), createdTime: v.optional(v.number()),
    })),
  })),
});

export function encodeJob(job: DeliveryJob): string {
  return JSON.stringify(job);
}

/** Reads a queue message back into a job; anything else is poison, which no retry can fix. */
export function parseJob(body: string): DeliveryJob {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new IntakeJobUnreadableError('The message is not JSON');
  }
  const result = v.safeParse(jobSchema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new IntakeJobUnreadableError(`The message is not a delivery job${path ? ` (at ${path})` : ''}`);
  }
  return result.output as DeliveryJob;
}
