import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler as leads } from '../../../functions/leads.ts';
import { handler as webhooks } from '../../../functions/webhooks.ts';
import { httpEvent, jsonPost } from '../../support/events.ts';
import { lambdaContext } from '../../support/lambda.ts';
import { eventJson } from '../../providers/support/fixtures.ts';
import { calcomSignature, standardHeaders } from '../../providers/support/signing.ts';

/** The two webhook senders of the load: a Standard Webhooks ERP and Cal.com. */
export const WEBHOOK_SECRETS = {
  calcom: 'calcom-load-secret',
  erp: `whsec_${Buffer.from('erp-load-standard-webhooks-key').toString('base64')}`,
} as const;

export type EntityKind = 'lead' | 'erp' | 'calcom';
/** What the sender was told: accepted (202/200 with an id) or not. */
export type Answer = { status: number; accepted: boolean; id: string | undefined };
/** One POST of the load. `entity` names what it is about; a repeat is the same submission sent again. */
export type Submission = { entity: string; kind: EntityKind; repeat: boolean; send(): Promise<Answer> };

export type TrafficPlan = { leads: number; erpEvents: number; calcomBookings: number; leadRepeats: number; webhookRepeats: number };

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
  const originals: Submission[] = [];
  const webhookCount = plan.erpEvents + plan.calcomBookings;
  const webhookEvery = Math.max(1, Math.floor(plan.leads / Math.max(1, webhookCount)));
  let erp = 0;
  let calcom = 0;
  for (let n = 0; n < plan.leads; n++) {
    originals.push(leadSubmission(n, false));
    if ((n + 1) % webhookEvery === 0 && erp + calcom < webhookCount) originals.push(nextWebhook());
  }
  while (erp + calcom < webhookCount) originals.push(nextWebhook());

  function nextWebhook(): Submission {
    // Three ERP events to one Cal.com booking, until either runs out.
    const takeCalcom = calcom < plan.calcomBookings && ((erp + calcom) % 4 === 3 || erp >= plan.erpEvents);
    return takeCalcom ? calcomSubmission(calcom++) : erpSubmission(erp++);
  }

  const ordered = originals.map((submission, index) => ({ at: index, submission }));
  const repeatOf = (kinds: EntityKind[], count: number) => {
    const candidates = ordered.filter(({ submission }) => kinds.includes(submission.kind));
    const step = Math.max(1, Math.floor(candidates.length / Math.max(1, count)));
    for (let k = 0; k < count && k * step < candidates.length; k++) {
      const { at, submission } = candidates[k * step]!;
      ordered.push({ at: at + (k % 2 === 0 ? 0.5 : 60.5), submission: { ...submission, repeat: true } });
    }
  };
  repeatOf(['lead'], plan.leadRepeats);
  repeatOf(['erp', 'calcom'], plan.webhookRepeats);
  return ordered.sort((a, b) => a.at - b.at).map(({ submission }) => submission);
}

function leadSubmission(n: number, repeat: boolean): Submission {
  // A fresh event per send (middy rewrites events in place), with the same bytes every time.
  return { entity: `lead:${n}`, kind: 'lead', repeat, send: async () => answerOf(await leads(jsonPost('/leads', leadFields(n)), lambdaContext('leads'))) };
}

const START = Date.UTC(2026, 3, 1, 8, 0, 0);
const instant = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A `calendar_event.created` for event n, re-signed on every send under the same webhook id, as senders retry. */
function erpSubmission(n: number): Submission {
  const fixture = eventJson('standard', 'calendar-event-created');
  const start = START + n * 3_600_000;
  const body = Buffer.from(JSON.stringify({
    ...fixture, data: { ...fixture.data, id: `evt_load_${n}`, title: `Szkolenie load-${n}`, start: instant(start), end: instant(start + 5_400_000) },
  }));
  const send = async () => {
    const headers = standardHeaders(body, WEBHOOK_SECRETS.erp, `msg_load_${n}`, Math.floor(Date.now() / 1000));
    return answerOf(await webhooks(webhookEvent('erp', body, headers), lambdaContext('webhooks')));
  };
  return { entity: `erp:${n}`, kind: 'erp', repeat: false, send };
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
