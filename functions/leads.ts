import { readBody } from '../lib/http/body.ts';
import { withHttp } from '../lib/http/with-http.ts';
import { acceptLead } from '../lib/leads/accept-lead.ts';
import { corsHeaders, preflight } from '../lib/leads/cors.ts';
import { formNameOf, loadFormConfig } from '../lib/leads/form-config.ts';
import { replyTo } from '../lib/leads/reply.ts';

/** Lead forms are small; anything bigger is not a lead (a file upload, an attack). */
const MAX_LEAD_BYTES = 64 * 1024;

/** POST /leads[/{form}]: parse → check → map → store on the queue → answer (202 JSON or 303). */
export const handler = withHttp(async (event, context) => {
  const form = await loadFormConfig(formNameOf(event.pathParameters?.form));
  const cors = corsHeaders(event, form.settings);
  if (event.requestContext.http.method === 'OPTIONS') return preflight(cors);
  return replyTo(event, form.settings, cors, async () => {
    const body = await readBody(event, { maxBytes: MAX_LEAD_BYTES });
    return acceptLead({ event, body, form, now: new Date(), invokedFunctionArn: context.invokedFunctionArn });
  });
});
