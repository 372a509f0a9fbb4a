import { enrichJob, type EnrichmentReport } from '../enrichment/enrich-job.ts';
import { DEFAULT_ENRICH_MODE } from '../intake/enrich-modes.ts';
import type { NipLookup } from '../enrichment/nip-lookup.ts';
import { resolveMetaLeads, type ResolveLeadsDeps } from '../providers/meta/resolve-leads.ts';
import type { DeliveryJob } from '../intake/job.ts';

export type PrepareDeps = {
  lookup: NipLookup;
  meta: Omit<ResolveLeadsDeps, 'now' | 'timeZone'>;
  timeZone: string;
  now?: () => Date;
  onEnrichment?(job: DeliveryJob, reports: EnrichmentReport[]): void;
};

/** Whether a job has work to do before its CSMART calls: leads to fetch, or a client with a NIP to look up. */
export function needsPreparing(job: DeliveryJob): boolean {
  if (job.fetchLeads) return true;
  return (job.enrich ?? DEFAULT_ENRICH_MODE) !== 'off' && job.steps.some((step) => step.kind === 'account' && step.match.nip);
}

/**
 * The worker's work before CSMART: announced leads are fetched and mapped (Meta; a failure is transient,
 * retried like CSMART's), then clients with a NIP are filled in from the VAT register (never a failure).
 */
export async function prepareJob(job: DeliveryJob, deps: PrepareDeps): Promise<DeliveryJob> {
  let prepared = job;
  if (job.fetchLeads) {
    const { fetchLeads, ...rest } = job;
    const steps = await resolveMetaLeads(fetchLeads, { ...deps.meta, now: deps.now?.() ?? new Date(), timeZone: deps.timeZone });
    prepared = { ...rest, steps: [...job.steps, ...steps] };
  }
  const { job: enriched, reports } = await enrichJob(prepared, deps.lookup);
  if (reports.length > 0) deps.onEnrichment?.(prepared, reports);
  return enriched;
}
