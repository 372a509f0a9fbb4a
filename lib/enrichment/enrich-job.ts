import type { AccountStep, DeliveryJob } from '../intake/job.ts';
import { applyRegisterAnswer } from './apply-register.ts';
import { DEFAULT_ENRICH_MODE } from '../intake/enrich-modes.ts';
import type { LookupOutcome, NipLookup } from './nip-lookup.ts';

export type EnrichmentReport = { nip: string; outcome: LookupOutcome['kind'] | 'cached'; detail?: string };

/**
 * Fills the job's clients in from the VAT register by their NIP, as the job's `enrich` mode says
 * (default `fill-empty`). Steps without a NIP, and every step when the mode is `off`, stay as they are;
 * a limit or an outage leaves the step unchanged, so the delivery goes on as if there were no register.
 */
export async function enrichJob(job: DeliveryJob, lookup: NipLookup): Promise<{ job: DeliveryJob; reports: EnrichmentReport[] }> {
  const mode = job.enrich ?? DEFAULT_ENRICH_MODE;
  if (mode === 'off' || !job.steps.some((step) => step.kind === 'account' && step.match.nip)) return { job, reports: [] };
  const reports: EnrichmentReport[] = [];
  const steps = [];
  for (const step of job.steps) {
    const nip = step.kind === 'account' ? step.match.nip : undefined;
    if (step.kind !== 'account' || !nip) {
      steps.push(step);
      continue;
    }
    const outcome = await lookup(nip);
    if (outcome.kind === 'limit' || outcome.kind === 'unavailable') {
      reports.push({ nip, outcome: outcome.kind, ...(outcome.kind === 'unavailable' ? { detail: outcome.reason } : {}) });
      steps.push(step);
      continue;
    }
    reports.push({ nip, outcome: outcome.from === 'cache' ? 'cached' : outcome.kind });
    const enriched: AccountStep = { ...step, fields: applyRegisterAnswer(step.fields, outcome, mode, nip) };
    steps.push(enriched);
  }
  return { job: { ...job, steps }, reports };
}
