import { EnrichmentRegisterUnavailableError } from './errors.ts';

/** The parts of the register's `subject` we use (Ministry of Finance "white list" API, `EntityItem`). */
export type VatSubject = {
  name: string;
  nip: string;
  regon: string | undefined;
  krs: string | undefined;
  statusVat: string | undefined;
  /** `workingAddress`, else `residenceAddress`: one line, "UL. PROSTA 49, 00-838 WARSZAWA". */
  address: string | undefined;
};

/** One answer of the register for a NIP on a date. `limit`: the register refused because its daily limit is used up. */
export type RegisterAnswer =
  | { kind: 'found'; subject: VatSubject; date: string; requestId: string | undefined }
  | { kind: 'not-found'; date: string; requestId: string | undefined }
  | { kind: 'limit' };

export type VatRegisterClientOptions = {
  /** The API's base URL, `https://wl-api.mf.gov.pl` (CSMART_VAT_REGISTER_URL). */
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
};

// The register's documented error codes we act on: WL-191 (HTTP 429) its daily limit per IP is used up;
// WL-195 its database was just updated and the same request should be sent again.
const LIMIT_CODE = 'WL-191';
const LIMIT_TEXT = /limit/i;
export const REFRESHED_CODE = 'WL-195';

/**
 * `GET /api/search/nip/{nip}?date=YYYY-MM-DD`. Found → the subject; `result.subject: null` → not found;
 * 429 or WL-191 (or an error naming the limit) → limit, whatever the body. Anything else (network, timeout,
 * 5xx, a 400, an unreadable body) throws `EnrichmentRegisterUnavailableError` (with the register's code,
 * if any): the caller goes on without enrichment.
 */
export async function searchNip(nip: string, date: string, options: VatRegisterClientOptions): Promise<RegisterAnswer> {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/api/search/nip/${encodeURIComponent(nip)}?date=${encodeURIComponent(date)}`;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
    text = await response.text();
  } catch (cause) {
    throw new EnrichmentRegisterUnavailableError('The VAT register did not answer', { cause });
  }
  // Parsed apart from the status: a 429 from a gateway in front of the register may carry an HTML page.
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch (cause) {
    if (response.status === 429) return { kind: 'limit' };
    throw new EnrichmentRegisterUnavailableError(`The VAT register answered HTTP ${response.status} that is not JSON`, { cause });
  }
  const error = body as { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === 'string' ? error.code.slice(0, 20) : undefined;
  if (response.status === 429 || code === LIMIT_CODE || (!response.ok && typeof error?.message === 'string' && LIMIT_TEXT.test(error.message))) return { kind: 'limit' };
  if (!response.ok) throw new EnrichmentRegisterUnavailableError(`The VAT register answered HTTP ${response.status}${code ? ` (${code})` : ''}`, { registerCode: code });
  const result = (body as { result?: unknown } | undefined)?.result as { subject?: unknown; requestId?: unknown } | undefined;
  if (typeof result !== 'object' || result === null || !('subject' in result)) throw new EnrichmentRegisterUnavailableError('The VAT register answered without a result');
  const requestId = typeof result.requestId === 'string' ? result.requestId : undefined;
  if (result.subject === null) return { kind: 'not-found', date, requestId };
  const subject = readSubject(result.subject);
  if (!subject) throw new EnrichmentRegisterUnavailableError('The VAT register answered a subject without a name');
  return { kind: 'found', subject, date, requestId };
}

function readSubject(raw: unknown): VatSubject | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const name = text(s.name);
  if (!name) return undefined;
  return {
    name,
    nip: text(s.nip) ?? '',
    regon: text(s.regon),
    krs: text(s.krs),
    statusVat: text(s.statusVat),
    address: text(s.workingAddress) ?? text(s.residenceAddress),
  };
}
