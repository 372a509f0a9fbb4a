import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { empty, type HttpAnswer } from '../http/answers.ts';
import { HttpError } from '../http/errors.ts';
import { header } from '../http/event.ts';
import { isOriginAllowed, type FormSettings } from '../mapping/form-settings.ts';

/**
 * CORS for the form's configured origins only: the request's origin is echoed back when allowed, never
 * `*`, and never with credentials (a lead form needs no cookies). A refused origin gets 403 and no CRM call.
 */
export function corsHeaders(event: APIGatewayProxyEventV2, settings: Pick<FormSettings, 'allowedOrigins'>): Record<string, string> {
  const origin = header(event, 'origin');
  if (!isOriginAllowed(settings, origin)) {
    throw new HttpError(403, 'origin_not_allowed', 'This form does not accept submissions from this website.', { field: 'origin', headers: { vary: 'Origin' } });
  }
  return origin === undefined ? {} : { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** The answer to a preflight (OPTIONS) from an allowed origin. */
export function preflight(cors: Record<string, string>): HttpAnswer {
  return empty(204, {
    ...cors,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, accept, idempotency-key',
    'access-control-max-age': '600',
  });
}
