import type { DeliveryJob, WorkPlan } from '../intake/job.ts';
import { bodyDedupeKey } from '../intake/keys.ts';
import type { Intake } from '../intake/intake.ts';
import type { FormConfig } from './form-store.ts';

/** Stores a mapped lead on the queue (with the form's enrichment mode); a resent body deduplicates by its bytes. */
export function storeLead(intake: Intake, lead: { form: FormConfig; plan: WorkPlan; rawBody: Buffer; id: string; now: Date; invokedFunctionArn: string | undefined }): Promise<DeliveryJob> {
  return intake.store({
    plan: { ...lead.plan, enrich: lead.form.settings.enrich },
    origin: { form: lead.form.name },
    source: 'leads',
    dedupeFallback: bodyDedupeKey(lead.rawBody),
    now: lead.now,
    id: lead.id,
    invokedFunctionArn: lead.invokedFunctionArn,
    unavailableMessage: 'The enquiry could not be stored just now. Please try again in a minute.',
  });
}
