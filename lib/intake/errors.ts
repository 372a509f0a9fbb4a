/** The delivery queue did not take the work: the sender must try again (503 with Retry-After), nothing was accepted. */
export class IntakeQueueUnavailableError extends Error {
  override name = 'IntakeQueueUnavailableError';
  readonly code = 'queue_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A queue message that is not a delivery job we can read (a poison message): it can never succeed. */
export class IntakeJobUnreadableError extends Error {
  override name = 'IntakeJobUnreadableError';
  readonly code = 'poison';
  readonly transient = false;
}
