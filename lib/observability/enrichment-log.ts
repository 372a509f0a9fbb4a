import type { DeliveryJob } from '../intake/job.ts';
import type { EnrichmentReport } from '../enrichment/enrich-job.ts';
import { logger } from './logger.ts';
import { countEnrichment } from './metrics.ts';

/** Logs and counts each register lookup of a delivery: the outcome, never the NIP (it can name a person's business). */
export function reportEnrichment(job: DeliveryJob, reports: EnrichmentReport[]): void {
  for (const report of reports) {
    countEnrichment(report.outcome);
    const fields = { correlation_id: job.id, source: job.source, outcome: report.outcome, ...(report.detail ? { reason: report.detail } : {}) };
    if (report.outcome === 'limit' || report.outcome === 'unavailable') logger.warn('VAT register lookup skipped; delivered without enrichment', fields);
    else logger.info('VAT register lookup', fields);
  }
}
