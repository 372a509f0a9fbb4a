import type { DeliveryJob, WorkPlan } from '../intake/job.ts';
import { bodyDedupeKey } from '../intake/keys.ts';
import type { Intake } from '../intake/intake.ts';
import type { SourceConfig } from './source-store.ts';

/** Stores a mapped webhook on the queue (with the source's enrichment mode); a redelivery without an id deduplicates by its bytes. */
export function storeWebhook(intake: Intake, webhook: { source: SourceConfig; plan: WorkPlan; rawBody: Buffer; now: Date; invokedFunctionArn: string | undefined }): Promise<DeliveryJob> {
  return intake.store({
    plan: { ...webhook.plan, enrich: webhook.source.settings.enrich },
    origin: { source: webhook.source.source },
    source: webhook.source.source,
    dedupeFallback: bodyDedupeKey(webhook.rawBody),
    now: webhook.now,
    invokedFunctionArn: webhook.invokedFunctionArn,
    unavailableMessage: 'The delivery could not be stored just now; please retry.',
  });
}
