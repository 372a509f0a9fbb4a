/** The Graph API did not give us the lead (network, timeout, an error answer, a missing page token): retried like CSMART. */
export class MetaGraphUnavailableError extends Error {
  override name = 'MetaGraphUnavailableError';
  readonly code = 'graph_unavailable';
  readonly transient = true;
}

/** A fetched lead that can never become a client (no e-mail nor phone, where the settings require one): parked at once. */
export class MetaLeadRejectedError extends Error {
  override name = 'MetaLeadRejectedError';
  readonly code = 'lead_invalid';
  readonly transient = false;
}
