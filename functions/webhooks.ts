import { rawBodyOf } from '../lib/http/body.ts';
import { header } from '../lib/http/event.ts';
import { withHttp } from '../lib/http/with-http.ts';
import { acceptWebhook } from '../lib/webhooks/accept-webhook.ts';
import { answerHandshake } from '../lib/webhooks/handshake.ts';
import { loadSourceConfig, sourceNameOf } from '../lib/webhooks/source-config.ts';

/** Webhook bodies are orders, bookings and answers: far below this. */
const MAX_WEBHOOK_BYTES = 512 * 1024;

/** POST /webhooks/{source}: verify the signature on the raw bytes → map → store on the queue → 200. GET: a subscription check. */
export const handler = withHttp(async (event, context) => {
  const config = await loadSourceConfig(sourceNameOf(event.pathParameters?.source));
  if (event.requestContext.http.method === 'GET') return answerHandshake(config, event.queryStringParameters ?? {}, new Date());
  const rawBody = rawBodyOf(event, { maxBytes: MAX_WEBHOOK_BYTES });
  const request = { source: config.source, headers: event.headers, rawBody, contentType: header(event, 'content-type') };
  return acceptWebhook(request, config, new Date(), context.invokedFunctionArn);
});
