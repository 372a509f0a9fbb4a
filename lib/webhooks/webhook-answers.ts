import type { DeliveryJob } from '../intake/job.ts';
import { empty, json, type HttpAnswer } from '../http/answers.ts';
import type { IntakeEvent } from '../intake/intake.ts';
import type { ProviderResult } from '../providers/index.ts';

/** The answer to a delivery that needs no work: a ping gets a bare 200, an ignored event says why. Both are logged. */
export function answerWithoutWork(result: Exclude<ProviderResult, { outcome: 'work' }>, source: string, report: (event: IntakeEvent) => void): HttpAnswer {
  if (result.outcome === 'ping') {
    report({ type: 'ping', origin: { source } });
    return empty(200);
  }
  report({ type: 'ignored', origin: { source }, reason: result.reason });
  return json(200, { status: 'ignored', reason: result.reason });
}

/** Stored, so the sender gets its 200 at once, long before any sender's timeout, whatever CSMART is doing. */
export function answerAccepted(job: DeliveryJob): HttpAnswer {
  return json(200, { status: 'accepted', id: job.id });
}
