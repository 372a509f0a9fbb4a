import { lazy } from '../lib/config/lazy.ts';
import { rawBodyOf } from '../lib/http/body.ts';
import { header } from '../lib/http/event.ts';
import { withHttp } from '../lib/http/with-http.ts';
import { providerFor } from '../lib/providers/index.ts';
import { createWebhooksSetup, type WebhooksSetup } from '../lib/setup/webhooks.ts';
import { answerHandshake } from '../lib/webhooks/handshake.ts';
import { sourceNameOf } from '../lib/webhooks/source-store.ts';
import { storeWebhook } from '../lib/webhooks/store-webhook.ts';
import { answerAccepted, answerWithoutWork } from '../lib/webhooks/webhook-answers.ts';

/** Webhook bodies are orders, bookings and answers: far below this. */
const MAX_WEBHOOK_BYTES = 512 * 1024;

/** POST /webhooks/{source}: parse → verify the signature on the raw bytes → map → store on the queue → 200. GET: a subscription check. */
export function createWebhooksHandler(setup: () => WebhooksSetup) {
  return withHttp(async (event, context) => {
    const { settings, sources, intake, now } = setup();
    const source = await sources.load(sourceNameOf(event.pathParameters?.source));
    const at = now();
    if (event.requestContext.http.method === 'GET') {
      return answerHandshake(source, event.queryStringParameters ?? {}, { timeZone: settings.timeZone, now: at, report: intake.report });
    }
    const rawBody = rawBodyOf(event, { maxBytes: MAX_WEBHOOK_BYTES });
    const request = { source: source.source, headers: event.headers, rawBody, contentType: header(event, 'content-type') };
    const result = providerFor(source.source).handle(request, { secrets: source.secrets, timeZone: settings.timeZone, now: at, settings: source.settings });
    if (result.outcome !== 'work') return answerWithoutWork(result, source.source, intake.report);
    const job = await storeWebhook(intake, { source, plan: result.plan, rawBody, now: at, invokedFunctionArn: context.invokedFunctionArn });
    return answerAccepted(job);
  });
}

/** Built on the first request (a bad setting fails it, logged) and kept for the execution environment's life. */
export const handler = createWebhooksHandler(lazy(() => createWebhooksSetup(process.env)));
