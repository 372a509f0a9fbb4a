import { randomUUID } from 'node:crypto';
import { lazy } from '../lib/config/lazy.ts';
import { readBody } from '../lib/http/body.ts';
import { header } from '../lib/http/event.ts';
import { withHttp } from '../lib/http/with-http.ts';
import { answerLead } from '../lib/leads/answer-lead.ts';
import { corsHeaders, preflight } from '../lib/leads/cors.ts';
import { formNameOf } from '../lib/leads/form-store.ts';
import { isSpam } from '../lib/leads/spam-check.ts';
import { storeLead } from '../lib/leads/store-lead.ts';
import { checkTurnstile } from '../lib/leads/turnstile-check.ts';
import { mapLead } from '../lib/mapping/map-lead.ts';
import { TURNSTILE_FIELD } from '../lib/leads/turnstile.ts';
import { createLeadsSetup, type LeadsSetup } from '../lib/setup/leads.ts';

/** Lead forms are small; anything bigger is not a lead (a file upload, an attack). */
const MAX_LEAD_BYTES = 64 * 1024;

/** POST /leads[/{form}]: parse → verify → map → store on the queue → answer (202 JSON, or 303 for a plain form). */
export function createLeadsHandler(setup: () => LeadsSetup) {
  return withHttp(async (event, context) => {
    const { settings, forms, intake, now } = setup();
    const form = await forms.load(formNameOf(event.pathParameters?.form));
    const cors = corsHeaders(event, form.settings);
    if (event.requestContext.http.method === 'OPTIONS') return preflight(cors);
    return answerLead(event, form.settings, cors, async () => {
      const body = await readBody(event, { maxBytes: MAX_LEAD_BYTES });
      const fields = body.fields ?? {};
      const at = now();
      if (isSpam({ form, fields, now: at, report: intake.report })) return { id: randomUUID() };
      const id = randomUUID();
      const idempotencyKey = header(event, 'idempotency-key');
      const { plan } = mapLead({
        form: form.name, fields, settings: form.settings, now: at, timeZone: settings.timeZone, submissionId: id, ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      // After mapping: a Turnstile token is single-use, and a visitor who fixes a field must not fail the check.
      await checkTurnstile({ form, token: fields[TURNSTILE_FIELD], remoteIp: event.requestContext.http.sourceIp, report: intake.report });
      return storeLead(intake, { form, plan, rawBody: body.raw, id, now: at, invokedFunctionArn: context.invokedFunctionArn });
    });
  });
}

/** Built on the first request (a bad setting fails it, logged) and kept for the execution environment's life. */
export const handler = createLeadsHandler(lazy(() => createLeadsSetup(process.env)));
