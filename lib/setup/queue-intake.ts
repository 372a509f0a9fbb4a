import type { SqsApi } from '../aws/sqs-api.ts';
import type { Settings } from '../config/settings.ts';
import { createIntake, type Intake, type IntakeEvent } from '../intake/intake.ts';
import { createJobQueue } from '../intake/job-queue.ts';

/** The parts an HTTP function's setup may be given instead of building them (tests give their own). */
export type IntakeParts = {
  sqs?: () => SqsApi;
  report?: (event: IntakeEvent) => void;
  now?: () => Date;
};

/** Intake on the delivery queue of these settings, through the given SQS (asked on the first store). */
export function createQueueIntake(settings: Settings, sqs: () => SqsApi, parts: IntakeParts, report: (event: IntakeEvent) => void): Intake {
  return createIntake({ queue: createJobQueue(parts.sqs ?? sqs, settings), report: parts.report ?? report });
}
