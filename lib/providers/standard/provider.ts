import type { Provider } from '../types.ts';
import { STANDARD_SETTINGS } from './settings.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { ignoredEvent, work } from '../shared/results.ts';
import { parseWith } from '../shared/validate.ts';
import {
  CalendarEventCancelledSchema, CalendarEventCreatedSchema, CalendarEventUpdatedSchema, LeadCreatedSchema, StandardEnvelopeSchema, withoutNulls,
} from './events.ts';
import { readLeadData } from './lead-data.ts';
import { verifyStandardSignature } from './signature.ts';
import { mapLeadCreated, type StandardMapOptions } from './map-lead-created.ts';
import { mapCalendarEvent } from './map-calendar-event.ts';

/** Any source name without its own adapter: signed with Standard Webhooks, carrying our documented events. */
export const standardProvider: Provider = {
  name: 'standard',
  settings: STANDARD_SETTINGS,
  handle(req, ctx) {
    const webhookId = verifyStandardSignature(req.headers, req.rawBody, requireSecrets(ctx.secrets), ctx.now, ctx.settings.toleranceSeconds);
    const body = withoutNulls(parseJsonBody(req.rawBody));
    const options = { source: req.source, timeZone: ctx.timeZone, settings: ctx.settings, webhookId };
    const { type } = parseWith(StandardEnvelopeSchema, body);
    switch (type) {
      case 'lead.created': return work(mapLeadEvent(body, options));
      case 'calendar_event.created': return work(mapCalendarEvent(type, parseWith(CalendarEventCreatedSchema, body).data, options));
      case 'calendar_event.updated': return work(mapCalendarEvent(type, parseWith(CalendarEventUpdatedSchema, body).data, options));
      case 'calendar_event.cancelled': return work(mapCalendarEvent(type, parseWith(CalendarEventCancelledSchema, body).data, options));
      default: return ignoredEvent('Standard Webhooks', type);
    }
  },
};

/** Aliases resolved and extras set aside before validation, so the schema sees the documented keys only. */
function mapLeadEvent(body: unknown, options: StandardMapOptions) {
  const envelope = body as { data?: unknown };
  const isObject = typeof envelope.data === 'object' && envelope.data !== null && !Array.isArray(envelope.data);
  const { data, extras } = isObject ? readLeadData(envelope.data as Record<string, unknown>) : { data: envelope.data, extras: [] };
  return mapLeadCreated(parseWith(LeadCreatedSchema, { ...envelope, data }).data, extras, options);
}
