import type { BodyFields } from '../http/body.ts';
import type { IntakeEvent } from '../intake/intake.ts';
import { checkSpam } from '../mapping/spam.ts';
import type { FormConfig } from './form-store.ts';

/**
 * Whether a submission is spam (honeypot, too fast, no page timestamp where one is required). Spam is
 * answered like a lead, so a bot learns nothing, and never stored.
 */
export function isSpam(input: { form: FormConfig; fields: BodyFields; now: Date; report: (event: IntakeEvent) => void }): boolean {
  const verdict = checkSpam({ fields: input.fields, settings: input.form.settings, now: input.now });
  if (verdict.spam) input.report({ type: 'spam', origin: { form: input.form.name }, reason: verdict.reason });
  return verdict.spam;
}
