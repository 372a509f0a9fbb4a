import type { RemoteLeads, Step } from '../../intake/job.ts';
import { InputValidationError } from '../../errors/refusal.ts';
import { MetaGraphUnavailableError, MetaLeadRejectedError } from './errors.ts';
import { fetchLead, type GraphClientOptions } from './graph.ts';
import { mapGraphLead } from './map.ts';

export type ResolveLeadsDeps = {
  graph: GraphClientOptions;
  /** The page access token of a Page (SSM `<prefix>meta/pages/<page_id>`), undefined when none is configured. */
  pageToken(pageId: string): Promise<string | undefined>;
  now: Date;
  timeZone: string;
};

/**
 * Reads each announced lead from the Graph API and maps it into steps, in order. A lead that maps to
 * nothing deliverable is refused for good (`MetaLeadRejectedError`); everything else that fails is transient.
 */
export async function resolveMetaLeads(remote: RemoteLeads, deps: ResolveLeadsDeps): Promise<Step[]> {
  const steps: Step[] = [];
  for (const ref of remote.leads) {
    const token = await deps.pageToken(ref.pageId);
    if (!token) throw new MetaGraphUnavailableError(`No page access token is configured for Meta page ${ref.pageId} (meta/pages/${ref.pageId})`);
    const lead = await fetchLead(ref.leadgenId, token, deps.graph);
    try {
      steps.push(...mapGraphLead(lead, { settings: remote.settings, now: deps.now, timeZone: deps.timeZone }).steps);
    } catch (error) {
      if (!(error instanceof InputValidationError)) throw error;
      const fields = error.problems.map((p) => p.field).filter(Boolean).join(', ');
      throw new MetaLeadRejectedError(`Meta lead ${ref.leadgenId} cannot become a client: ${fields || 'invalid'}`);
    }
  }
  return steps;
}
