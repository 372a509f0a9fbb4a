/** The VAT register could not answer (network, timeout, 5xx, an answer we cannot read). Never fails a delivery. */
export class EnrichmentRegisterUnavailableError extends Error {
  override name = 'EnrichmentRegisterUnavailableError';
  readonly code = 'register_unavailable';
  readonly transient = true;
}
