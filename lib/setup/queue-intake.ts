import { SQSClient } from '@aws-sdk/client-sqs';
import type { Settings } from '../config/settings.ts';
import { lazy } from '../config/lazy.ts';
import { createIntake, type Intake, type IntakeEvent } from '../intake/intake.ts';
import { createJobQueue } from '../intake/job-queue.ts';

/** The parts an HTTP function's setup may be given instead of building them (tests give their own). */
export type IntakeParts = {
  sqs?: () => SQSClient;
  report?: (event: IntakeEvent) => void;
  now?: () => Date;
};

/** Intake on the delivery queue of these settings; the SQS client is built on the first store. */
export function createQueueIntake(settings: Settings, parts: IntakeParts, report: (event: IntakeEvent) => void): Intake {
  return createIntake({ queue: createJobQueue(parts.sqs ?? lazy(() => new SQSClient({})), settings), report: parts.report ?? report });
}
