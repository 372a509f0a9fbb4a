import type { Provider } from '../types.ts';
import { requireSecrets } from '../shared/secrets.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { ignoredEvent, work } from '../shared/results.ts';
import { parseWith } from '../shared/validate.ts';
import {
  CalendarEventCancelledSchema, CalendarEventCreatedSchema, CalendarEventUpdatedSchema, LeadCreatedSchema, StandardEnvelopeSchema,
} from './events.ts';
import { verifyStandardSignature } from './signature.ts';
import { mapLeadCreated } from './map-lead.ts';
import { mapCalendarEvent } from './map-calendar-event.ts';

/** Any source name without its own adapter: signed with Standard Webhooks, carrying our documented events. */
export const standardProvider: Provider = {
  name: 'standard',
  needsSecret: true,
  handle(req, ctx) {
    const webhookId = verifyStandardSignature(req.headers, req.rawBody, requireSecrets(ctx.secrets), ctx.now, ctx.settings.toleranceSeconds);
    const body = parseJsonBody(req.rawBody);
    const options = { source: req.source, timeZone: ctx.timeZone, settings: ctx.settings, webhookId };
    const { type } = parseWith(StandardEnvelopeSchema, body);
    switch (type) {
      case 'lead.created': return work(mapLeadCreated(parseWith(LeadCreatedSchema, body).data, options));
      case 'calendar_event.created': return work(mapCalendarEvent(type, parseWith(CalendarEventCreatedSchema, body).data, options));
      case 'calendar_event.updated': return work(mapCalendarEvent(type, parseWith(CalendarEventUpdatedSchema, body).data, options));
      case 'calendar_event.cancelled': return work(mapCalendarEvent(type, parseWith(CalendarEventCancelledSchema, body).data, options));
      default: return ignoredEvent('Standard Webhooks', type);
    }
  },
};
