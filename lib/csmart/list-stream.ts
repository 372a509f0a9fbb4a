import { CsmartProtocolError, CsmartUpstreamError } from './errors.ts';
import type { CsmartRecord } from './modules.ts';
import { numberText } from './number-text.ts';
import { excerpt } from './redact.ts';
import type { RecordRenamer } from './field-names.ts';

/**
 * A List record as it came off the wire: the parsed record (with a string `id`, as `list` returns it)
 * and its own JSON bytes, minified, exactly as CSMART wrote them otherwise — for NDJSON and hashes
 * that never re-stringify. Under CSMART_FIELD_NAMES the parsed record carries our field names (what the
 * CSV, diff and lookups read) while the bytes keep CSMART's own. When only the key of an id-keyed list carried the id, `"id":"<key>"` is put
 * in front of the record's own fields, so every line names its record.
 */
export type ListedRecord = { record: CsmartRecord; bytes: Buffer };

/** Where the answer came from, for messages (never the body itself beyond a short, redacted excerpt). */
export type ListStreamContext = { module: string; status: number; secrets: readonly string[] };

/** What the envelope says besides the records: `error` empty on success, as `parseReply` reads it. */
export type ListEnvelope = { error: string };

/**
 * Record-by-record reader of a List answer `{"error":"","data":[{…},{…}]}` (or `"data":{"12":{…}}`,
 * PHP's id-keyed object), fed with the body's chunks as they arrive.
 *
 * Why not a general streaming JSON parser: measured on these machines (bench/list-parsers), the npm
 * parsers cost 3–12× a whole `JSON.parse` of the same bytes, since they build every string and
 * number in JavaScript. This reader only finds where each record starts and ends (a byte scan that
 * follows nesting and strings) and hands the records' bytes to `JSON.parse`, which does
 * the real parsing natively. Everything outside the records (a few bytes) is checked by `JSON.parse`
 * too: it is kept, with the data replaced by `null`, and parsed when the envelope ends.
 *
 * Tolerates what the client tolerated before: a BOM and whitespace in front, `text/html`, records as
 * an array or an id-keyed object, `error` before or after the data, ids as numbers or strings.
 */
export class ListRecordReader {
  readonly #context: ListStreamContext;
  /** Envelope text outside the data (data itself as `null`): small, parsed with JSON.parse at the end. */
  #envelope = '';
  /** Bytes seen before the first `{`: a BOM or whitespace, else the start of a non-JSON answer. */
  #lead: Buffer[] = [];
  #leadBytes = 0;
  #phase: 'lead' | 'envelope' | 'data' | 'after' | 'junk' = 'lead';
  /** Nesting depth outside the data (1 = inside the envelope object). */
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Key of the envelope member being read, taken from `#envelope` when a member's value opens. */
  #dataShape: 'array' | 'object' | undefined;
  /** Inside the data: what comes next. */
  #expect: 'first' | 'record' | 'key' | 'colon' | 'after' = 'first';
  #key = '';
  #keyBytes: Buffer[] = [];
  /** The record being read: its depth, where it began in the current buffer, its bytes from earlier chunks. */
  #recordDepth = 0;
  #recordStart = -1;
  /** The unfinished record's pieces from earlier chunks (views, not copies) and their length. */
  #recordCarry: Buffer[] | undefined;
  #recordCarryBytes = 0;
  #recordSpaced = false;
  /** Whole records of the current chunk not parsed yet: where the first began, where each ended. */
  #runStart = -1;
  #runEnds: number[] = [];
  #records = 0;
  #trailing = '';
  #maxRecordBytes: number;
  /** Position of the next backslash in the current buffer, for strings outside records (-1: none left, -2: not looked up yet). */
  #outerBackslash = -2;
  /** The chunk being read and how far. */
  #buffer: Buffer = Buffer.alloc(0);
  #pos = 0;

  /** CSMART_FIELD_NAMES: applied to each parsed record before its id is read; the bytes are left as CSMART wrote them. */
  #rename: RecordRenamer | undefined;

  constructor(context: ListStreamContext, options: { maxRecordBytes?: number; rename?: RecordRenamer } = {}) {
    this.#context = context;
    this.#maxRecordBytes = options.maxRecordBytes ?? 64 * 1024 * 1024;
    this.#rename = options.rename;
  }

  /** Records read so far. */
  get count(): number {
    return this.#records;
  }

  /** Reads one chunk whole; returns the records it completed (possibly none). Throws on a malformed answer. */
  push(chunk: Uint8Array): ListedRecord[] {
    this.feed(chunk);
    return this.read(Infinity);
  }

  /**
   * Takes the next chunk of the answer, to be read by `read`. The chunk before must have been read to its
   * end (`read` returned fewer records than it was asked for).
   */
  feed(chunk: Uint8Array): void {
    if (this.#pos < this.#buffer.length) throw new Error('ListRecordReader: a chunk was fed before the one before it was read');
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#recordCarry) {
      // A record that began in an earlier chunk: the scan goes on where it stopped, from this chunk's start.
      // Only the record's own bytes are copied together once it ends (#finishRecord), never the whole chunk.
      this.#recordStart = 0;
      if (this.#recordCarryBytes + buffer.length > this.#maxRecordBytes) throw this.#protocol(`answered a record larger than ${this.#maxRecordBytes} bytes`);
    }
    this.#buffer = buffer;
    this.#pos = 0;
    this.#outerBackslash = -2;
  }

  /**
   * Reads on in the chunk fed last and returns the next records it completes, at most `max`: fewer means
   * the chunk is read to its end and the next one can be fed. Throws on a malformed answer.
   *
   * Why at most `max`: the parsed records of a batch are alive together, and a whole 64 KB chunk's (some
   * 450 records) outlive V8's scavenges, which then grow the young generation to its limit. Measured by
   * bench/list with a 256 MB function's flags and a 300,000-record List: +27–29 MB of heap reserved with
   * whole chunks, +10 MB with batches of 64 together with `numberText` for the ids (neither alone helps).
   */
  read(max: number): ListedRecord[] {
    const out: ListedRecord[] = [];
    const buffer = this.#buffer;
    let i = this.#pos;
    const n = buffer.length;
    let backslash = this.#outerBackslash;
    while (i < n) {
      if (this.#recordStart >= 0) {
        // Inside a record (nearly every byte): a tight scan of its own.
        i = this.#scanRecord(buffer, i, n);
        if (this.#recordDepth === 0) {
          if (this.#recordCarry || this.#recordSpaced || this.#dataShape !== 'array') {
            this.#parseRun(buffer, out);
            out.push(this.#finishRecord(buffer, i));
          } else {
            // A whole record in this chunk: parsed with its neighbours (see #parseRun).
            if (this.#runStart < 0) this.#runStart = this.#recordStart;
            this.#runEnds.push(i);
            this.#recordStart = -1;
          }
          this.#expect = 'after';
          if (out.length + this.#runEnds.length >= max) {
            this.#parseRun(buffer, out);
            this.#pos = i;
            this.#outerBackslash = backslash;
            return out;
          }
        }
        continue;
      }
      if (this.#inString) {
        // Inside a string only `"` and `\` matter: jump between them instead of looking at every byte.
        if (this.#escaped) {
          this.#stringBytes(buffer, i, i + 1);
          this.#escaped = false;
          i++;
          continue;
        }
        const quote = buffer.indexOf(0x22, i);
        if (backslash !== -1 && backslash < i) backslash = buffer.indexOf(0x5c, i);
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          this.#stringBytes(buffer, i, backslash + 1);
          this.#escaped = true;
          i = backslash + 1;
          continue;
        }
        if (quote === -1) {
          this.#stringBytes(buffer, i, n);
          i = n;
          break;
        }
        this.#stringBytes(buffer, i, quote + 1);
        this.#inString = false;
        i = quote + 1;
        if (this.#phase === 'data' && this.#recordStart < 0 && this.#expect === 'key') this.#endKey();
        continue;
      }
      const byte = buffer[i]!;
      switch (this.#phase) {
        case 'data':
          this.#dataByte(byte, i);
          i++;
          continue;
        case 'lead':
          i = this.#leadBytesFrom(buffer, i);
          continue;
        case 'envelope':
          this.#envelopeByte(byte);
          i++;
          continue;
        case 'after':
          if (!isSpace(byte)) {
            this.#phase = 'junk';
            this.#trailing = buffer.toString('utf8', i, Math.min(n, i + 200));
          }
          i++;
          continue;
        case 'junk':
          i = n;
          continue;
      }
    }
    this.#parseRun(buffer, out);
    this.#pos = n;
    if (this.#recordStart >= 0 && this.#recordStart < n) {
      const piece = buffer.subarray(this.#recordStart);
      if (this.#recordCarry) this.#recordCarry.push(piece);
      else this.#recordCarry = [piece];
      this.#recordCarryBytes += piece.length;
      // The rest of the record comes with the next chunk, from its start.
      this.#recordStart = n;
    }
    return out;
  }

  /**
   * Scans a record from `i`: only nesting and strings matter (JSON.parse checks the rest). Returns
   * where it stopped: just after the record's closing brace (`#recordDepth` is then 0), or the buffer's
   * end.
   */
  #scanRecord(buffer: Buffer, i: number, n: number): number {
    let depth = this.#recordDepth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    let spaced = this.#recordSpaced;
    scan: while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
        }
        // Byte by byte: a record's strings are short, and a call to indexOf per string cost more than it saved.
        while (i < n) {
          const byte = buffer[i]!;
          if (byte === 0x5c) i += 2;
          else if (byte === 0x22) break;
          else i++;
        }
        if (i >= n) {
          // A backslash as the chunk's last byte: the byte it escapes comes first in the next chunk.
          escaped = i > n;
          i = n;
          break scan;
        }
        inString = false;
        i++;
        continue;
      }
      const byte = buffer[i++]!;
      if (byte === 0x22) inString = true;
      else if (byte === 0x7b || byte === 0x5b) depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        if (--depth === 0) break scan;
      } else if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) spaced = true;
    }
    this.#recordDepth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    this.#recordSpaced = spaced;
    return i;
  }

  /** The body has ended: checks that the envelope was whole and reads its `error`. */
  end(): ListEnvelope {
    if (this.#pos < this.#buffer.length) throw new Error('ListRecordReader: the answer ended before its last chunk was read');
    if (this.#phase === 'lead') throw this.#notJson();
    if (this.#phase === 'junk') throw this.#protocol(`did not answer JSON (HTTP ${this.#context.status}): "${excerpt(this.#trailing, this.#context.secrets)}"`);
    if (this.#phase !== 'after') {
      const where = this.#records > 0 ? ` after ${this.#records} record(s)` : '';
      if (this.#context.status >= 500) throw this.#upstream(`answered HTTP ${this.#context.status} with a body cut short${where}`);
      throw this.#protocol(`answered a List cut short${where} (HTTP ${this.#context.status})`);
    }
    return this.#readEnvelope(this.#envelope);
  }

  /** Before the envelope: skip a BOM and whitespace; anything else but `{` is not JSON. */
  #leadBytesFrom(buffer: Buffer, i: number): number {
    const byte = buffer[i]!;
    if (byte === 0x7b) {
      this.#phase = 'envelope';
      return i; // the envelope reads the `{`
    }
    const isBom = (byte === 0xef || byte === 0xbb || byte === 0xbf) && this.#leadBytes < 3;
    if (!isSpace(byte) && !isBom) {
      // An HTML page or a PHP warning: keep a little of it for the message, read no further.
      this.#phase = 'junk';
      this.#trailing = Buffer.concat([...this.#lead, buffer.subarray(i, i + 400)]).toString('utf8');
      throw this.#notJson();
    }
    if (this.#leadBytes < 64) this.#lead.push(buffer.subarray(i, i + 1));
    this.#leadBytes++;
    return i + 1;
  }

  #envelopeByte(byte: number): void {
    if (byte === 0x22) {
      this.#inString = true;
      this.#envelope += '"';
      return;
    }
    if (byte === 0x7b || byte === 0x5b) {
      if (this.#depth === 1 && this.#memberKey() === 'data') {
        // The data opens: records follow. An error already given stops here, without reading them.
        const before = this.#readEnvelope(`${this.#envelope}null}`, true);
        if (before && before.error !== '') throw new CsmartListRefusedError(before.error);
        this.#dataShape = byte === 0x5b ? 'array' : 'object';
        this.#expect = 'first';
        this.#envelope += 'null';
        this.#phase = 'data';
        return;
      }
      this.#depth++;
    } else if (byte === 0x7d || byte === 0x5d) {
      this.#depth--;
      if (this.#depth === 0) {
        this.#envelope += '}';
        this.#phase = 'after';
        return;
      }
    }
    if (this.#envelope.length > 1024 * 1024) throw this.#protocol('answered an envelope larger than 1 MB outside its data');
    this.#envelope += String.fromCharCode(byte);
  }

  /** The data's own syntax between records: `[`, `,`, `]`, or `"key":` in an id-keyed object. */
  #dataByte(byte: number, i: number): void {
    if (isSpace(byte)) return;
    const close = this.#dataShape === 'array' ? 0x5d : 0x7d;
    switch (this.#expect) {
      case 'first':
      case 'after':
        if (byte === close) {
          this.#phase = 'envelope';
          return;
        }
        if (this.#expect === 'after') {
          if (byte !== 0x2c) throw this.#protocol('answered a List whose records are not separated by commas');
          this.#expect = this.#dataShape === 'array' ? 'record' : 'key';
          return;
        }
        this.#expect = this.#dataShape === 'array' ? 'record' : 'key';
        this.#dataByte(byte, i);
        return;
      case 'key':
        if (byte !== 0x22) throw this.#protocol('answered an id-keyed List with a malformed key');
        this.#inString = true;
        this.#keyBytes = [];
        return;
      case 'colon':
        if (byte !== 0x3a) throw this.#protocol('answered an id-keyed List with a malformed key');
        this.#expect = 'record';
        return;
      case 'record':
        if (byte !== 0x7b) throw this.#protocol('answered a record that is not an object');
        this.#recordStart = i;
        this.#recordDepth = 1;
        this.#recordSpaced = false;
        return;
    }
  }

  /** Keeps the bytes of strings outside records that matter: the envelope's and the data's keys. */
  #stringBytes(buffer: Buffer, from: number, to: number): void {
    if (this.#phase === 'envelope') {
      if (this.#envelope.length + (to - from) > 1024 * 1024) throw this.#protocol('answered an envelope larger than 1 MB outside its data');
      this.#envelope += buffer.toString('utf8', from, to);
    } else if (this.#phase === 'data' && this.#recordStart < 0) {
      this.#keyBytes.push(Buffer.from(buffer.subarray(from, to)));
    }
  }

  #endKey(): void {
    const raw = `"${Buffer.concat(this.#keyBytes).toString('utf8')}`;
    try {
      this.#key = String(JSON.parse(raw));
    } catch (cause) {
      throw this.#protocol('answered an id-keyed List with a malformed key', cause);
    }
    this.#expect = 'colon';
  }

  /**
   * Parses the run of whole records waiting in this chunk (only commas and spaces between them) with one
   * `JSON.parse` of `[…]`: one string and one call for up to a batch instead of one per record, about 0.73×
   * the CPU of parsing each (a 300k export's whole run went from 2.05× to 1.78–1.82× of bench/export's
   * baseline). A run that does not parse is read record by record, so the error names the record, as before.
   */
  #parseRun(buffer: Buffer, out: ListedRecord[]): void {
    const ends = this.#runEnds;
    if (ends.length === 0) return;
    const from = this.#runStart;
    this.#runStart = -1;
    this.#runEnds = [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(`[${buffer.toString('utf8', from, ends[ends.length - 1])}]`);
    } catch {
      parsed = undefined;
    }
    const records = Array.isArray(parsed) && parsed.length === ends.length ? parsed as unknown[] : undefined;
    const current = this.#recordStart;
    let start = from;
    for (let k = 0; k < ends.length; k++) {
      const end = ends[k]!;
      while (buffer[start] !== 0x7b) start++; // past the comma and spaces between two records
      if (records) {
        this.#records++;
        out.push(this.#listed(records[k], buffer.subarray(start, end)));
      } else {
        this.#recordStart = start;
        out.push(this.#finishRecord(buffer, end));
      }
      start = end;
    }
    this.#recordStart = current;
  }

  #finishRecord(buffer: Buffer, end: number): ListedRecord {
    let bytes = buffer.subarray(this.#recordStart, end);
    if (this.#recordCarry) {
      // The record began in earlier chunks: its pieces and this chunk's part, one copy of its own bytes.
      this.#recordCarry.push(bytes);
      bytes = Buffer.concat(this.#recordCarry, this.#recordCarryBytes + bytes.length);
      this.#recordCarry = undefined;
      this.#recordCarryBytes = 0;
    }
    this.#recordStart = -1;
    if (this.#recordSpaced) bytes = minify(bytes);
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      throw this.#protocol(`answered record ${this.#records + 1} that is not valid JSON`, cause);
    }
    this.#records++;
    return this.#listed(parsed, bytes);
  }

  /** A parsed record and its bytes as the reader hands them on: renamed, its id a string (or taken from its key). */
  #listed(parsed: unknown, bytes: Buffer): ListedRecord {
    if (this.#rename && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) parsed = this.#rename(parsed as Record<string, unknown>);
    const record = parsed as { id?: unknown; [field: string]: unknown };
    const raw = record.id;
    if ((raw === undefined || raw === null) && this.#dataShape === 'object') {
      // The key is the only place CSMART put the id: the line carries it in front of the record's fields.
      const id = this.#key;
      const rest = bytes.subarray(1);
      const joint = rest.length > 1 && raw === undefined ? ',' : '';
      bytes = raw === undefined ? Buffer.concat([Buffer.from(`{"id":${JSON.stringify(id)}${joint}`), rest]) : bytes;
      return { record: { ...record, id } as CsmartRecord, bytes };
    }
    return { record: withStringId(record), bytes };
  }

  /** The key of the envelope member whose value is opening, read back from the kept envelope text. */
  #memberKey(): string | undefined {
    const match = /"((?:[^"\\]|\\.)*)"\s*:\s*$/.exec(this.#envelope);
    if (!match) return undefined;
    try {
      return String(JSON.parse(`"${match[1]}"`));
    } catch {
      return undefined;
    }
  }

  /** Parses the envelope text (data as null). With `partial`, a text that does not parse yet is no verdict. */
  #readEnvelope(text: string, partial: true): ListEnvelope | undefined;
  #readEnvelope(text: string): ListEnvelope;
  #readEnvelope(text: string, partial = false): ListEnvelope | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      if (partial) return undefined;
      throw this.#protocol(`did not answer JSON (HTTP ${this.#context.status}): "${excerpt(text, this.#context.secrets)}"`, cause);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('error' in parsed)) {
      if (partial) return undefined;
      throw this.#protocol(`answered JSON without the "error" field: "${excerpt(text, this.#context.secrets)}"`);
    }
    const { error, data } = parsed as { error: unknown; data?: unknown };
    if (!partial && this.#dataShape === undefined && data !== undefined && data !== null && data !== '' && data !== false) {
      throw this.#protocol(`answered data of type ${typeof data}, not a list`);
    }
    return { error: error === null || error === undefined || error === false ? '' : String(error).trim() };
  }

  #notJson(): Error {
    const text = this.#trailing.replace(/^[\uFEFF\s]+/, '');
    const { module, status, secrets } = this.#context;
    if (text === '') {
      if (status >= 500) return this.#upstream(`answered HTTP ${status} with an empty body`);
      return this.#protocol(`answered with an empty body (HTTP ${status})`);
    }
    const quote = excerpt(text, secrets);
    if (status >= 500) return new CsmartUpstreamError(`CSMART ${module}/List answered HTTP ${status}: "${quote}"`, { module, action: 'List', status });
    return this.#protocol(`did not answer JSON (HTTP ${status}): "${quote}"`);
  }

  #protocol(what: string, cause?: unknown): CsmartProtocolError {
    const { module } = this.#context;
    return new CsmartProtocolError(`CSMART ${module}/List ${what}`, { module, action: 'List', ...(cause === undefined ? {} : { cause }) });
  }

  #upstream(what: string): CsmartUpstreamError {
    const { module, status } = this.#context;
    return new CsmartUpstreamError(`CSMART ${module}/List ${what}`, { module, action: 'List', status });
  }
}

/**
 * CSMART's `error` arrived before the data: the caller classifies it (auth, validation, upstream) as
 * it does for any other call. Carries the vendor's text, which the caller redacts.
 */
export class CsmartListRefusedError extends Error {
  override name = 'CsmartListRefusedError';
  readonly error: string;
  constructor(error: string) {
    super('CSMART refused the List');
    this.error = error;
  }
}

const ERROR_KEY = Buffer.from('"error"');
const DATA_KEY = Buffer.from('"data"');

/** A parsed record of an array-shaped List as `list` returns it: its id a string, `''` when it had none. */
export function withStringId(record: { id?: unknown; [field: string]: unknown }): CsmartRecord {
  const raw = record.id;
  if (typeof raw === 'string') return record as CsmartRecord;
  if (raw === undefined || raw === null) return { ...record, id: '' } as CsmartRecord;
  record.id = typeof raw === 'number' ? numberText(raw) : String(raw);
  return record as CsmartRecord;
}

/**
 * The records of a small, whole, ordinary answer (`{"error":"","data":[{…},…]}`, a BOM allowed) read by one
 * `JSON.parse`, as the reader would give them; `undefined` for anything else (not JSON, an `error`, an
 * id-keyed or missing `data`, a record that is not an object), which the reader then reads, so that every
 * unusual answer fails exactly as it does when streamed.
 */
export function ordinaryListRecords(body: Buffer, rename?: RecordRenamer): CsmartRecord[] | undefined {
  // A second `"error"` or `"data"` anywhere (a repeated envelope member, which JSON.parse would silently
  // overwrite, or only a record's text): the reader, which reads each one where it stands.
  if (body.indexOf(ERROR_KEY) !== body.lastIndexOf(ERROR_KEY) || body.indexOf(DATA_KEY) !== body.lastIndexOf(DATA_KEY)) return undefined;
  const start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8', start));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { error, data } = parsed as { error?: unknown; data?: unknown };
  if ((error !== '' && error !== null && error !== false) || !Array.isArray(data)) return undefined;
  for (let k = 0; k < data.length; k++) {
    let record: unknown = data[k];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
    if (rename) record = rename(record as Record<string, unknown>);
    data[k] = withStringId(record as { id?: unknown });
  }
  return data as CsmartRecord[];
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Drops whitespace outside strings (a pretty-printed answer), so each NDJSON line stays one line. */
function minify(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let o = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === 0x5c) escaped = true;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (isSpace(byte)) {
      continue;
    }
    out[o++] = byte;
  }
  return out.subarray(0, o);
}
