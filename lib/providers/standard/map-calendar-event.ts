import type { RecordStep, WorkPlan } from '../../intake/job.ts';
import { joinLines, line } from '../shared/description-lines.ts';
import { allDayEventFields, timedEventFields } from '../shared/event-times.ts';
import { validNip } from '../../mapping/nip.ts';
import { compact } from '../shared/results.ts';
import type { CalendarEventData, StandardEventType } from './events.ts';
import type { StandardMapOptions } from './map-lead-created.ts';

type CalendarEventType = Extract<StandardEventType, `calendar_event.${string}`>;

/**
 * calendar_event.created|updated|cancelled → one task (Events/Save) linked to the sender's event id.
 * created opens it, cancelled closes it, updated leaves the status alone (an update never reopens).
 */
export function mapCalendarEvent(type: CalendarEventType, data: CalendarEventData, options: StandardMapOptions): WorkPlan {
  // The NIP only links the task to a client: an invalid one is noted for a person, never a reason to refuse the booking.
  const nip = validNip(data.nip);
  const { settings } = options;
  const times = data.all_day === true
    ? data.start_date && data.end_date ? allDayEventFields(data.start_date, data.end_date) : undefined
    : data.start && data.end ? timedEventFields(data.start, data.end, options.timeZone) : undefined;

  const step: RecordStep = {
    kind: 'record',
    module: 'Events',
    fields: compact({
      name: data.title,
      type: settings.taskType,
      status: type === 'calendar_event.created' ? settings.openStatus : type === 'calendar_event.cancelled' ? settings.closedStatus : undefined,
      // CSMART accepts a NIP on a task only for an existing client; the sender vouches for that.
      nip,
      ...times,
      description: joinLines([data.description, line('Miejsce', data.location), nip === undefined && line('NIP (niepoprawny)', data.nip)]),
    }),
    link: { source: options.source, externalId: data.id },
    // A bare cancel (id only) for an event we never saw has nothing to create.
    ifMissing: data.title !== undefined && times !== undefined ? 'create' : 'skip',
  };

  return {
    kind: type,
    groupKey: `event:${data.id}`,
    dedupeKey: options.webhookId,
    steps: [step],
  };
}
