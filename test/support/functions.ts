import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import { createExportHandler } from '../../functions/export.ts';
import { createLeadsHandler } from '../../functions/leads.ts';
import { createWebhooksHandler } from '../../functions/webhooks.ts';
import { createWorkerHandler } from '../../functions/worker.ts';
import { lazy } from '../../lib/config/lazy.ts';
import { createExportSetup } from '../../lib/setup/export.ts';
import { createLeadsSetup } from '../../lib/setup/leads.ts';
import { createWebhooksSetup } from '../../lib/setup/webhooks.ts';
import { createWorkerSetup } from '../../lib/setup/worker.ts';

/** The four functions as their files build them: each setup from `process.env` on its first invocation. */
function buildFunctions() {
  return {
    leads: createLeadsHandler(lazy(() => createLeadsSetup(process.env))),
    webhooks: createWebhooksHandler(lazy(() => createWebhooksSetup(process.env))),
    worker: createWorkerHandler(lazy(() => createWorkerSetup(process.env))),
    export: createExportHandler(lazy(() => createExportSetup(process.env))),
  };
}

let current: ReturnType<typeof buildFunctions> | undefined;
const functions = () => (current ??= buildFunctions());

/**
 * The next invocation of any function is a cold start: a new execution environment, with new setups
 * (settings read again, new clients, no token, empty caches). The stack calls it before every test.
 */
export function coldStart(): void {
  current = undefined;
}

export const leads = (event: APIGatewayProxyEventV2, context: Context) => functions().leads(event, context);
export const webhooks = (event: APIGatewayProxyEventV2, context: Context) => functions().webhooks(event, context);
export const worker = (event: SQSEvent, context: Context) => functions().worker(event, context);
export const exportFunction = (event: { date?: string } | undefined, context: Context) => functions().export(event, context);
