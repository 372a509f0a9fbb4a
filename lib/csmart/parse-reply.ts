import { CsmartProtocolError, CsmartUpstreamError } from './errors.ts';
import { excerpt } from './redact.ts';

/** The vendor's envelope: `error` is empty on success, else a human-readable (Polish) description. */
export type Envelope = { error: string; data: unknown };

type ReplyContext = { module: string; action: string; status: number; secrets: readonly string[] };

/**
 * Reads a CSMART reply without trusting its HTTP status or content type: a PHP service may answer
 * 200 with `text/html` and a UTF-8 BOM before the JSON, or 200 with an HTML error page.
 */
export function parseReply(body: string, context: ReplyContext): Envelope {
  const { module, action, status, secrets } = context;
  const where = { module, action };
  const text = withoutLead(body);
  if (text === '') {
    if (status >= 500) throw new CsmartUpstreamError(`CSMART ${module}/${action} answered HTTP ${status} with an empty body`, { ...where, status });
    throw new CsmartProtocolError(`CSMART ${module}/${action} answered with an empty body (HTTP ${status})`, where);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    const quote = excerpt(text, secrets);
    if (status >= 500) throw new CsmartUpstreamError(`CSMART ${module}/${action} answered HTTP ${status}: "${quote}"`, { ...where, status });
    throw new CsmartProtocolError(`CSMART ${module}/${action} did not answer JSON (HTTP ${status}): "${quote}"`, { ...where, cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('error' in parsed)) {
    throw new CsmartProtocolError(`CSMART ${module}/${action} answered JSON without the "error" field: "${excerpt(text, secrets)}"`, where);
  }
  const envelope = parsed as { error: unknown; data?: unknown };
  const error = envelope.error === null || envelope.error === undefined || envelope.error === false ? '' : String(envelope.error);
  return { error: error.trim(), data: envelope.data };
}

/**
 * The body without BOMs and whitespace in front, as `/^[\uFEFF\s]+/` strips them: the first character is
 * looked at before any regular expression runs, since nearly every reply starts with `{` or one BOM.
 */
function withoutLead(body: string): string {
  const first = body.charCodeAt(0);
  if (first === 0x7b) return body;
  if (first === 0xfeff && body.charCodeAt(1) === 0x7b) return body.slice(1);
  return body.replace(/^[\uFEFF\s]+/, '');
}
