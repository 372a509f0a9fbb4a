/** The VAT register could not answer (network, timeout, 5xx, an answer we cannot read). Never fails a delivery. */
export class VatRegisterUnavailableError extends Error {
  override name = 'VatRegisterUnavailableError';
  readonly code = 'register_unavailable';
  readonly transient = true;
}
