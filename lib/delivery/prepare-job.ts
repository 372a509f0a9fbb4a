import { dynamoClient } from '../config/aws/dynamodb.ts';
import { processParameters, processSettings } from '../config/runtime.ts';
import { enrichJob, type EnrichmentReport } from '../enrichment/enrich-job.ts';
import { DEFAULT_ENRICH_MODE } from '../enrichment/modes.ts';
import { createNipLookup, type NipLookup } from '../enrichment/nip-lookup.ts';
import { createRegisterStore } from '../enrichment/register-store.ts';
import { readLocalJson } from '../inbound/local-file.ts';
import { resolveMetaLeads, type ResolveLeadsDeps } from '../providers/meta/resolve-leads.ts';
import type { DeliveryJob } from './job.ts';

/** A register or Graph call never holds a delivery longer than this. */
const OUTSIDE_CALL_TIMEOUT_MS = 3000;

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

let processDeps: PrepareDeps | undefined;

/** This process's register lookup (link table as cache and counter) and Graph access (page tokens from SSM). */
export function processPrepareDeps(onEnrichment?: PrepareDeps['onEnrichment']): PrepareDeps {
  if (processDeps) return processDeps;
  const settings = processSettings();
  const lookup = createNipLookup({
    store: createRegisterStore({ dynamo: dynamoClient(), tableName: settings.linkTable ?? '' }),
    register: { baseUrl: settings.vatRegisterUrl, timeoutMs: OUTSIDE_CALL_TIMEOUT_MS },
    dailyLimit: settings.vatRegisterDailyLimit,
  });
  const pageToken = async (pageId: string): Promise<string | undefined> => {
    const name = `meta/pages/${pageId}`;
    if (settings.secretsFile) {
      const value = readLocalJson(settings.secretsFile)[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    }
    const parameter = `${settings.ssmPrefix}${name}`;
    return (await processParameters().get([parameter])).get(parameter);
  };
  processDeps = {
    lookup,
    meta: { graph: { baseUrl: settings.metaGraphUrl, timeoutMs: OUTSIDE_CALL_TIMEOUT_MS }, pageToken },
    timeZone: settings.timeZone,
    ...(onEnrichment ? { onEnrichment } : {}),
  };
  return processDeps;
}

/** For tests: build the dependencies again from the environment. */
export function resetPrepareDeps(): void {
  processDeps = undefined;
}
