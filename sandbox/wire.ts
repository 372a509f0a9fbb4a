import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModuleName } from '../lib/csmart/modules.ts';
import { DEFAULT_BEHAVIOUR, type SandboxBehaviour } from './behaviour.ts';
import type { SandboxRecord, SandboxStore } from './store.ts';

/**
 * How List and Save answers are shaped, and how the undocumented behaviours go (behaviour.ts);
 * switchable so clients can test their normalisation and their adaptations.
 */
export type WireSettings = {
  /** 'object' = an id-keyed map, as PHP's json_encode prints an associative array. */
  listShape: 'array' | 'object';
  idType: 'number' | 'string';
} & SandboxBehaviour;
export const DEFAULT_WIRE_SETTINGS: Readonly<WireSettings> = { listShape: 'array', idType: 'number', ...DEFAULT_BEHAVIOUR };

/** What a call produced, before it is put on the wire. */
export type CallResult =
  | { kind: 'error'; error: string; withNullData: boolean }
  | { kind: 'data'; data: unknown }
  | { kind: 'id'; id: number }
  | { kind: 'list'; module: ModuleName; domain: string };

// A PHP file saved "with BOM" prints it before anything else; clients must strip it before JSON.parse.
export const BOM = '\uFEFF';
const RECORDS_PER_CHUNK = 4096;

export const CONTENT_TYPE = 'text/html; charset=UTF-8';

/**
 * Puts results on the wire as the vendor's envelope `{"error":"","data":…}`, in UTF-8 chunks (a big List is
 * never one string). Encoded lists are kept per module until its records or the settings change, so a
 * benchmark listing 300,000 clients again pays only for the socket.
 */
export class AnswerEncoder {
  private readonly store: SandboxStore;
  private readonly lists = new Map<string, { revision: number; shape: string; chunks: Buffer[] }>();

  constructor(store: SandboxStore) {
    this.store = store;
  }

  encode(result: CallResult, settings: Pick<WireSettings, 'listShape' | 'idType' | 'fieldNames'>): Buffer[] {
    switch (result.kind) {
      case 'error':
        // Some error paths of the vendor omit `data`, others send null: clients must take both.
        return [Buffer.from(BOM + JSON.stringify(result.withNullData ? { error: result.error, data: null } : { error: result.error }))];
      case 'data':
        return [Buffer.from(`${BOM}{"error":"","data":${JSON.stringify(result.data)}}`)];
      case 'id':
        return [Buffer.from(`${BOM}{"error":"","data":${encodeId(result.id, settings)}}`)];
      case 'list': {
        const key = `${result.domain}\n${result.module}`;
        const revision = this.store.revision(result.module, result.domain);
        const shape = `${settings.listShape}/${settings.idType}/${JSON.stringify(settings.fieldNames)}`;
        const cached = this.lists.get(key);
        if (cached && cached.revision === revision && cached.shape === shape) return cached.chunks;
        const chunks = encodeList(this.store.records(result.module, result.domain), settings);
        this.lists.set(key, { revision, shape, chunks });
        return chunks;
      }
    }
  }

  /** Drops every cached list (their memory, on reset). */
  clear(): void {
    this.lists.clear();
  }
}

function encodeId(id: number, settings: Pick<WireSettings, 'idType'>): string {
  return settings.idType === 'string' ? `"${id}"` : String(id);
}

function encodeRecord(record: SandboxRecord, settings: Pick<WireSettings, 'idType' | 'fieldNames'>): string {
  if (Object.keys(settings.fieldNames).length > 0) return JSON.stringify(renamed(record, settings));
  const json = JSON.stringify(record);
  if (settings.idType === 'number') return json;
  // The id is the first key and a plain integer: quote it in place instead of copying the record.
  const prefix = `{"id":${record.id}`;
  return `{"id":"${record.id}"${json.slice(prefix.length)}`;
}

/** A record with List field names of its own (`fieldNames`), its id typed as the settings say. */
function renamed(record: SandboxRecord, settings: Pick<WireSettings, 'idType' | 'fieldNames'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    const typed = field === 'id' && settings.idType === 'string' ? String(value) : value;
    out[settings.fieldNames[field] ?? field] = typed;
  }
  return out;
}

function encodeList(records: Iterable<SandboxRecord>, settings: Pick<WireSettings, 'listShape' | 'idType' | 'fieldNames'>): Buffer[] {
  const asObject = settings.listShape === 'object';
  const chunks: Buffer[] = [];
  let batch: string[] = [];
  const flush = () => {
    chunks.push(Buffer.from((chunks.length > 0 ? ',' : '') + batch.join(',')));
    batch = [];
  };
  for (const record of records) {
    const json = encodeRecord(record, settings);
    batch.push(asObject ? `"${record.id}":${json}` : json);
    if (batch.length === RECORDS_PER_CHUNK) flush();
  }
  if (batch.length > 0) flush();
  // PHP's json_encode prints an empty associative array as [], whatever the shape of a full one.
  if (chunks.length === 0) return [Buffer.from(`${BOM}{"error":"","data":[]}`)];
  return [Buffer.from(`${BOM}{"error":"","data":${asObject ? '{' : '['}`), ...chunks, Buffer.from(asObject ? '}}' : ']}')];
}

/** The short HTML page a proxy or web server shows for a 5xx. */
export function statusPage(status: number): string {
  const reason = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[status] ?? 'Error';
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** A maintenance page answered with 200: the case that status-based retry logic cannot see. */
export const MAINTENANCE_PAGE = '<!DOCTYPE html>\n<html lang="pl"><head><meta charset="utf-8"><title>CSMART — przerwa techniczna</title></head>\n<body><h1>Przerwa techniczna</h1><p>Trwają prace serwisowe. Spróbuj ponownie za kilka minut.</p></body></html>\n';

/** What PHP prints before the JSON when display_errors is on and a notice fires. */
export const PHP_WARNING = '\nWarning: Undefined array key "id" in /var/www/api.php on line 12\n';

/** The raw request body; throws RangeError past the limit. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limitBytes) throw new RangeError('request body too large');
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** The request body decoded as UTF-8 form fields; a repeated name keeps its last value, as PHP does. */
export async function readForm(request: IncomingMessage, limitBytes: number): Promise<Map<string, string>> {
  return formFields((await readBody(request, limitBytes)).toString('utf8'));
}

/** `a=1&b=%C5%BC+x` → a Map; '+' is a space, percent-escapes are UTF-8 (URLSearchParams rules). */
export function formFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) fields.set(name, value);
  return fields;
}

/** Writes a whole answer with its Content-Length, so the connection stays reusable. */
export function send(response: ServerResponse, status: number, contentType: string, chunks: readonly Buffer[]): void {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': length });
  // The chunks are already in memory, so writing them without waiting for 'drain' costs nothing extra.
  for (const chunk of chunks) response.write(chunk);
  response.end();
}
