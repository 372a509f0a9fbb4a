import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { leads, webhooks } from '../../support/functions.ts';
import { httpEvent, jsonPost } from '../../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../../emulators/lambda/context.ts';
import { eventJson } from '../../providers/support/fixtures.ts';
import { calcomSignature, standardHeaders } from '../../providers/support/signing.ts';

/** The two webhook senders of the load: a Standard Webhooks ERP and Cal.com. */
export const WEBHOOK_SECRETS = {
  calcom: 'calcom-load-secret',
  erp: `whsec_${Buffer.from('erp-load-standard-webhooks-key').toString('base64')}`,
} as const;

/** The text the sandbox refuses as invalid data wherever it appears (a fault limited to it). */
export const REFUSED_MARK = 'ODRZUĆ';

/**
 * What each entity is, and what CSMART must hold for it at the end:
 * - `lead` (e-mail and phone), `phone` (a phone-only lead), `twin` (one person through the form and the
 *   ERP's lead.created at the same moment): one client and one task;
 * - `erp`, `calcom` bookings, `early` (its cancellation arrives before it), `redo` (its task is deleted in
 *   CSMART, then the booking moves): one task;
 * - `gone` (its task is deleted in CSMART, then it is cancelled): nothing, and the cancel parked as `record_deleted`;
 * - `refused` (a lead CSMART refuses as invalid data): nothing, and the lead parked as `validation`.
 */
export type EntityKind = 'lead' | 'phone' | 'twin' | 'erp' | 'calcom' | 'early' | 'redo' | 'gone' | 'refused';
/** What the sender was told: accepted (202/200 with an id) or not. */
export type Answer = { status: number; accepted: boolean; id: string | undefined };
/** One POST of the load. `entity` names what it is about; a repeat is the same submission sent again. */
export type Submission = { entity: string; kind: EntityKind; repeat: boolean; send(): Promise<Answer> };

export type TrafficPlan = {
  leads: number; phoneLeads: number; twins: number; erpEvents: number; calcomBookings: number;
  earlyCancels: number; refused: number; leadRepeats: number; webhookRepeats: number;
  /** Bookings whose task is deleted in CSMART before an edit: half moved (`redo`), half cancelled (`gone`). */
  deletedEdits: number;
};

/** Lead n: a distinct person and company, so each one is one client and one follow-up task. */
export const leadFields = (n: number) => ({
  company: `Firma ${n} Łódź`, email: `lead${n}@example.pl`, phone: `60${String(n).padStart(7, '0')}`, message: `Zapytanie ${n}`,
});

/**
 * The load in posting order: leads with a webhook after every few, and repeats of some of them —
 * half straight after the original (a double click: same chunk, posted concurrently), half a
 * while later (a resend, often after the queue's five-minute dedupe window has passed).
 */
export function buildTraffic(plan: TrafficPlan): Submission[] {
  const originals: { at: number; submission: Submission }[] = [];
  const leadLike: Submission[] = [];
  for (let n = 0; n < plan.leads; n++) leadLike.push(leadSubmission(n));
  for (let n = 0; n < plan.phoneLeads; n++) leadLike.push(phoneSubmission(n));
  for (let n = 0; n < plan.refused; n++) leadLike.push(refusedSubmission(n));
  const hooks: Submission[] = [];
  for (let n = 0; n < Math.max(plan.erpEvents, plan.calcomBookings); n++) {
    if (n < plan.erpEvents) hooks.push(calendarEvent('created', 'erp', 'load', n));
    if (n < plan.calcomBookings) hooks.push(calcomSubmission(n));
  }
  for (let n = 0; n < plan.deletedEdits; n++) hooks.push(calendarEvent('created', n % 2 === 0 ? 'redo' : 'gone', n % 2 === 0 ? 'redo' : 'gone', n));

  // Interleave: a webhook after every few leads, in a stable order.
  const every = Math.max(1, Math.floor(leadLike.length / Math.max(1, hooks.length)));
  let h = 0;
  leadLike.forEach((submission, i) => {
    originals.push({ at: originals.length, submission });
    if ((i + 1) % every === 0 && h < hooks.length) originals.push({ at: originals.length, submission: hooks[h++]! });
  });
  while (h < hooks.length) originals.push({ at: originals.length, submission: hooks[h++]! });

  const span = originals.length;
  const spread = (k: number, count: number) => Math.floor(((k + 0.5) * span) / Math.max(1, count));
  // The same person through the form and the ERP at the same moment: one chunk, posted concurrently.
  for (let n = 0; n < plan.twins; n++) {
    const at = spread(n, plan.twins) + 0.25;
    originals.push({ at, submission: twinLead(n) }, { at: at + 0.01, submission: twinWebhook(n) });
  }
  // A cancellation that overtakes its booking: the booking follows a chunk later.
  for (let n = 0; n < plan.earlyCancels; n++) {
    const at = spread(n, plan.earlyCancels) + 0.5;
    originals.push({ at, submission: calendarEvent('cancelled-bare', 'early', 'early', n) }, { at: at + 9, submission: calendarEvent('created', 'early', 'early', n) });
  }

  const repeatOf = (kinds: EntityKind[], count: number) => {
    const candidates = originals.filter(({ submission }) => kinds.includes(submission.kind) && !submission.repeat);
    const step = Math.max(1, Math.floor(candidates.length / Math.max(1, count)));
    for (let k = 0; k < count && k * step < candidates.length; k++) {
      const { at, submission } = candidates[k * step]!;
      originals.push({ at: at + (k % 2 === 0 ? 0.5 : 60.5), submission: { ...submission, repeat: true } });
    }
  };
  repeatOf(['lead', 'phone'], plan.leadRepeats);
  repeatOf(['erp', 'calcom'], plan.webhookRepeats);
  return originals.sort((a, b) => a.at - b.at).map(({ submission }) => submission);
}

/** The edits of the `redo` and `gone` bookings, sent once their tasks were deleted in CSMART. */
export function editsOfDeleted(plan: TrafficPlan): Submission[] {
  return Array.from({ length: plan.deletedEdits }, (_, n) =>
    n % 2 === 0 ? calendarEvent('updated', 'redo', 'redo', n) : calendarEvent('cancelled-bare', 'gone', 'gone', n));
}

/**
 * A fresh event per send (middy rewrites events in place), with the same bytes every time. The form sends
 * its own submission id, so a resend hours later (the queue clock jumps past backoffs) is still the same
 * lead; without one, the same enquiry on another CRM day is a new lead by design.
 */
const lead = (entity: string, kind: EntityKind, fields: Record<string, string>): Submission =>
  ({ entity, kind, repeat: false, send: async () => answerOf(await leads(jsonPost('/leads', { ...fields, _submission_id: entity }), lambdaContext('leads'))) });

const leadSubmission = (n: number) => lead(`lead:${n}`, 'lead', leadFields(n));
const phoneSubmission = (n: number) => lead(`phone:${n}`, 'phone', { company: `Telefon ${n}`, phone: `50${String(n).padStart(7, '0')}`, message: `Proszę o telefon ${n}` });
const refusedSubmission = (n: number) => lead(`refused:${n}`, 'refused', { company: `Odrzucony ${n} ${REFUSED_MARK}`, email: `odrzucony${n}@example.pl` });
const twinLead = (n: number) => lead(`twin:${n}`, 'twin', { company: `Bliźniak ${n}`, email: `blizniak${n}@example.pl`, message: `Formularz ${n}` });

function twinWebhook(n: number): Submission {
  const body = Buffer.from(JSON.stringify({
    type: 'lead.created', timestamp: '2026-04-01T08:00:00Z',
    data: { company: `Bliźniak ${n}`, email: `blizniak${n}@example.pl`, message: `Z ERP ${n}` },
  }));
  return { entity: `twin:${n}`, kind: 'twin', repeat: false, send: () => sendStandard(body, `msg_twin_${n}`) };
}

const START = Date.UTC(2026, 3, 1, 8, 0, 0);
const instant = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A Standard Webhooks calendar event from the ERP, re-signed on every send under the same webhook id,
 * as senders retry. `cancelled-bare` carries only the event id, as a minimal sender sends it.
 */
function calendarEvent(type: 'created' | 'updated' | 'cancelled-bare', kind: EntityKind, tag: string, n: number): Submission {
  const fixture = eventJson('standard', 'calendar-event-created');
  const start = START + n * 3_600_000 + (type === 'updated' ? 1_800_000 : 0);
  const id = `evt_${tag}_${n}`;
  const body = Buffer.from(JSON.stringify(type === 'cancelled-bare'
    ? { type: 'calendar_event.cancelled', timestamp: '2026-04-01T07:00:00Z', data: { id } }
    : { ...fixture, type: `calendar_event.${type}`, data: { ...fixture.data, id, title: `Szkolenie ${tag}-${n}`, start: instant(start), end: instant(start + 5_400_000) } }));
  return { entity: `${kind}:${n}`, kind, repeat: false, send: () => sendStandard(body, `msg_${tag}_${type}_${n}`) };
}

async function sendStandard(body: Buffer, webhookId: string): Promise<Answer> {
  const headers = standardHeaders(body, WEBHOOK_SECRETS.erp, webhookId, Math.floor(Date.now() / 1000));
  return answerOf(await webhooks(webhookEvent('erp', body, headers), lambdaContext('webhooks')));
}

/** A `BOOKING_CREATED` for booking n by its own attendee, signed over its exact bytes. */
function calcomSubmission(n: number): Submission {
  const fixture = eventJson('calcom', 'booking-created');
  const start = START + n * 3_600_000;
  const email = `gosc${n}@example.pl`;
  const body = Buffer.from(JSON.stringify({
    ...fixture,
    payload: {
      ...fixture.payload, uid: `load-booking-${n}`, bookingId: 10_000 + n, title: `Prezentacja load-${n}`,
      startTime: instant(start), endTime: instant(start + 3_600_000),
      attendees: [{ ...fixture.payload.attendees[0], email, name: `Gość ${n}` }],
      responses: { ...fixture.payload.responses, email: { label: 'email_address', value: email }, name: { label: 'your_name', value: `Gość ${n}` } },
    },
  }));
  const headers = { 'x-cal-signature-256': calcomSignature(body, WEBHOOK_SECRETS.calcom) };
  const send = async () => answerOf(await webhooks(webhookEvent('calcom', body, headers), lambdaContext('webhooks')));
  return { entity: `calcom:${n}`, kind: 'calcom', repeat: false, send };
}

function webhookEvent(source: string, body: Buffer, headers: Record<string, string>): APIGatewayProxyEventV2 {
  return httpEvent({
    method: 'POST', path: `/webhooks/${source}`, routeKey: 'POST /webhooks/{source}', pathParameters: { source },
    headers: { 'content-type': 'application/json', ...headers }, body,
  });
}

function answerOf(answer: { statusCode?: number; body?: string }): Answer {
  const status = answer.statusCode ?? 0;
  let parsed: { status?: unknown; id?: unknown } = {};
  try {
    parsed = JSON.parse(String(answer.body ?? '')) as typeof parsed;
  } catch {
    // An answer without JSON is not an acceptance.
  }
  const id = typeof parsed.id === 'string' ? parsed.id : undefined;
  return { status, accepted: (status === 202 || status === 200) && parsed.status === 'accepted' && id !== undefined, id };
}
