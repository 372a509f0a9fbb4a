/** The VAT register could not answer (network, timeout, 5xx, an answer we cannot read). Never fails a delivery. */
export class EnrichmentRegisterUnavailableError extends Error {
  override name = 'EnrichmentRegisterUnavailableError';
  readonly code = 'register_unavailable';
  readonly transient = true;
  /** The register's own error code (`WL-…`), when it answered one. */
  readonly registerCode: string | undefined;

  constructor(message: string, options?: ErrorOptions & { registerCode?: string | undefined }) {
    super(message, options);
    this.registerCode = options?.registerCode;
  }
}
