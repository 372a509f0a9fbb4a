import { expect } from 'vitest';
import type { AccountStep, RecordStep, WorkPlan } from '../../lib/intake/job.ts';
import type { BodyFields } from '../../lib/http/body.ts';
import { InputValidationError, type FieldProblem } from '../../lib/errors/refusal.ts';
import { errorAnswer } from '../../lib/http/error-answer.ts';
import { parseFormSettings } from '../../lib/mapping/form-settings.ts';
import { mapLead } from '../../lib/mapping/map-lead.ts';
import type { MapLeadInput } from '../../lib/mapping/map-lead.ts';

/** Wednesday 2026-03-11, 11:00 in Warsaw. */
export const NOW = new Date('2026-03-11T10:00:00.000Z');
export const TIME_ZONE = 'Europe/Warsaw';

/** Maps fields with the given settings JSON (defaults otherwise) for the form `contact`. */
export function planFor(fields: BodyFields, settings: unknown = {}, extra: Partial<MapLeadInput> = {}): WorkPlan {
  return mapLead({
    form: 'contact',
    fields,
    settings: parseFormSettings('contact', settings),
    now: NOW,
    timeZone: TIME_ZONE,
    submissionId: 'sub-1',
    ...extra,
  }).plan;
}

export function accountOf(plan: WorkPlan): AccountStep {
  const step = plan.steps[0];
  if (step?.kind !== 'account') throw new Error('the first step is not the account step');
  return step;
}

export function recordOf<M extends RecordStep['module']>(plan: WorkPlan, module: M): Extract<RecordStep, { module: M }> | undefined {
  return plan.steps.find((s): s is Extract<RecordStep, { module: M }> => s.kind === 'record' && s.module === module);
}

/** The problems of the InputValidationError (answered 422) that `act` throws; fails the test when it throws nothing or something else. */
export function problemsOf(act: () => unknown): FieldProblem[] {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputValidationError);
  expect(errorAnswer(thrown).statusCode).toBe(422);
  return (thrown as InputValidationError).problems;
}
