import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsmartProtocolError, CsmartUpstreamError } from '../../lib/csmart/errors.ts';
import { ListRecordReader, CsmartListRefusedError, ordinaryListRecords, type ListedRecord } from '../../lib/csmart/list-stream.ts';
import { normaliseList } from '../../lib/csmart/normalise.ts';
import { thrown } from '../support/thrown.ts';

const context = { module: 'Accounts', status: 200, secrets: ['s3cr3t-token'] };
const BOM = '\uFEFF';

/** Feeds a whole answer in the given chunk sizes (cycled); returns the records and the envelope. */
function read(answer: string | Buffer, sizes: number[] = [65536], status = 200) {
  const bytes = Buffer.isBuffer(answer) ? answer : Buffer.from(answer);
  const reader = new ListRecordReader({ ...context, status });
  const records: ListedRecord[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = Math.max(1, sizes[k % sizes.length]!);
    records.push(...reader.push(bytes.subarray(at, at + size)));
    at += size;
  }
  return { records, end: () => reader.end() };
}

function readAll(answer: string | Buffer, sizes?: number[], status?: number) {
  const { records, end } = read(answer, sizes, status);
  return { records, envelope: end() };
}

const ACCOUNTS = [
  { id: 1, name: 'Żółta Łódź sp. z o.o.', nip: '5261040828', city: 'Łódź' },
  { id: '2', name: 'Tricky "quotes" \\ back\\slash }{ ][ , : \u0000 \n new line', email: 'a@b.pl', tags: ['x', { y: [1, 2] }], n: -1.5e3, ok: true, none: null },
  { id: 3, name: '🚀👩‍💻 emoji', nested: { deep: { deeper: ['}', '{'] } } },
];

describe('List record reader: shapes', () => {
  it('reads an array with a BOM, text and records exactly as JSON.parse would, each with its own bytes', () => {
    const answer = `${BOM}{"error":"","data":[${ACCOUNTS.map((a) => JSON.stringify(a)).join(',')}]}`;
    const { records, envelope } = readAll(answer);
    expect(envelope.error).toBe('');
    expect(records.map((r) => r.record)).toEqual(normaliseList(ACCOUNTS, 'Accounts'));
    expect(records.map((r) => r.bytes.toString())).toEqual(ACCOUNTS.map((a) => JSON.stringify(a)));
  });

  it('gives the same records whatever the chunk boundaries, down to one byte at a time', () => {
    const answer = Buffer.from(`${BOM}  {"error":"","data":[${ACCOUNTS.map((a) => JSON.stringify(a)).join(',')}]}\n`);
    const expected = readAll(answer).records.map((r) => [r.record, r.bytes.toString()]);
    expect(readAll(answer, [1]).records.map((r) => [r.record, r.bytes.toString()])).toEqual(expected);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (sizes) => {
      expect(readAll(answer, sizes).records.map((r) => [r.record, r.bytes.toString()])).toEqual(expected);
    }), { numRuns: 200 });
  });

  it('hands out a chunk\'s records a few at a time when asked, the same records as read whole', () => {
    const list = Array.from({ length: 300 }, (_, i) => ({ id: i + 1, name: `Klient ${i + 1}`, note: '"}{,'.repeat(i % 7) }));
    const answer = Buffer.from(`${BOM}{"error":"","data":${JSON.stringify(list)}}`);
    const expected = readAll(answer).records.map((r) => [r.record, r.bytes.toString()]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 5000 }), (max, size) => {
      const reader = new ListRecordReader(context);
      const batches: ListedRecord[][] = [];
      for (let at = 0; at < answer.length; at += size) {
        reader.feed(answer.subarray(at, at + size));
        // Read until the chunk is used up: a batch smaller than asked for says so.
        for (let batch = reader.read(max); ; batch = reader.read(max)) {
          if (batch.length > 0) batches.push(batch);
          if (batch.length < max) break;
        }
      }
      expect(reader.end().error).toBe('');
      expect(batches.every((batch) => batch.length <= max)).toBe(true);
      expect(batches.flat().map((r) => [r.record, r.bytes.toString()])).toEqual(expected);
    }), { numRuns: 100 });
  });

  it('refuses a chunk fed before the one before it was read, and an end before the last chunk was read', () => {
    const reader = new ListRecordReader(context);
    reader.feed(Buffer.from('{"error":"","data":[{"id":1},{"id":2},{"id":3}]}'));
    expect(reader.read(2).map((r) => r.record.id)).toEqual(['1', '2']);
    expect(() => reader.feed(Buffer.from(' '))).toThrow(/before the one before it was read/);
    expect(() => reader.end()).toThrow(/before its last chunk was read/);
    expect(reader.read(2).map((r) => r.record.id)).toEqual(['3']);
    expect(reader.end().error).toBe('');
  });

  it('copies only a split record\'s own bytes, not the chunk it ends in', () => {
    // 128 KB chunks of ~1 KB records: most chunks end inside a record. Its bytes must be a copy of its
    // own ~1 KB (from Buffer's pool), not a view into a copy of the whole next chunk (128 KB or more).
    const list = Array.from({ length: 800 }, (_, i) => ({ id: String(i), note: 'ż'.repeat(500) }));
    const answer = Buffer.from(JSON.stringify({ error: '', data: list }));
    const { records } = readAll(answer, [128 * 1024]);
    expect(records.map((r) => r.record)).toEqual(list);
    expect(records.map((r) => r.bytes.toString())).toEqual(list.map((r) => JSON.stringify(r)));
    const split = records.filter((r) => r.bytes.buffer !== answer.buffer);
    expect(split.length).toBeGreaterThanOrEqual(4);
    for (const r of split) expect(r.bytes.buffer.byteLength).toBeLessThan(128 * 1024);
  });

  it('reads any JSON records (fuzzed) as JSON.parse does, whatever the chunking', () => {
    const record = fc.dictionary(fc.string(), fc.jsonValue()).map((r) => ({ ...r, id: 'x' }));
    fc.assert(fc.property(fc.array(record, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }), (list, sizes) => {
      const answer = JSON.stringify({ error: '', data: list });
      const { records } = readAll(answer, sizes);
      expect(records.map((r) => r.record)).toEqual(JSON.parse(answer).data);
      expect(records.map((r) => r.bytes.toString())).toEqual(list.map((r) => JSON.stringify(r)));
    }), { numRuns: 300 });
  });

  it('reads an id-keyed object (PHP associative array), taking the id from the key when the record has none', () => {
    const answer = `${BOM}{"error":"","data":{"12":{"name":"A"},"13":{"id":13,"name":"B"},"1\\"4":{}}}`;
    const { records } = readAll(answer, [3]);
    expect(records.map((r) => r.record)).toEqual([{ id: '12', name: 'A' }, { id: '13', name: 'B' }, { id: '1"4' }]);
    // The line names its record: the key's id goes in front; an id CSMART wrote stays as written.
    expect(records.map((r) => r.bytes.toString())).toEqual(['{"id":"12","name":"A"}', '{"id":13,"name":"B"}', '{"id":"1\\"4"}']);
  });

  it('minifies a pretty-printed answer, keeping spaces inside strings', () => {
    const answer = `{\n  "error": "",\n  "data": [\n    {\n      "id": 1,\n      "name": "A  B \\" c"\n    } ,\n    { "id" : 2 }\n  ]\n}\n`;
    const { records } = readAll(answer, [5]);
    expect(records.map((r) => r.bytes.toString())).toEqual(['{"id":1,"name":"A  B \\" c"}', '{"id":2}']);
    expect(records[0]!.record).toEqual({ id: '1', name: 'A  B " c' });
  });

  it.each([
    ['null', 'null'], ['an empty string', '""'], ['false', 'false'], ['an empty array', '[]'], ['an empty object', '{}'],
  ])('reads data that is %s as no records', (_name, data) => {
    const { records, envelope } = readAll(`{"error":"","data":${data}}`);
    expect(records).toEqual([]);
    expect(envelope.error).toBe('');
  });

  it('reads an envelope without data, and members it does not know, around the data', () => {
    expect(readAll('{"error":""}').records).toEqual([]);
    const { records } = readAll('{"meta":{"data":[1,2]},"error":"","data":[{"id":1}],"count":1}');
    expect(records.map((r) => r.record)).toEqual([{ id: '1' }]);
  });
});

describe('List record reader: faults', () => {
  it('stops at an error given before the data, without reading the records', () => {
    const reader = new ListRecordReader(context);
    const error = thrown(CsmartListRefusedError, () => reader.push(Buffer.from(`${BOM}{"error":"Nieprawidłowy token","data":[{"id":1},`)));
    expect(error.error).toBe('Nieprawidłowy token');
  });

  it('hands out the records before an error given after the data, then reports the error', () => {
    const { records, envelope } = readAll('{"data":[{"id":1},{"id":2}],"error":"Błąd bazy danych"}', [7]);
    expect(records.map((r) => r.record.id)).toEqual(['1', '2']);
    expect(envelope.error).toBe('Błąd bazy danych');
  });

  it('reports a List cut mid-record, saying how many records came whole', () => {
    const whole = `{"error":"","data":[{"id":1,"name":"A"},{"id":2,"name":"B"},{"id":3,"na`;
    const { records, end } = read(whole, [10]);
    expect(records).toHaveLength(2);
    const error = thrown(CsmartProtocolError, end);
    expect(error.message).toBe('CSMART Accounts/List answered a List cut short after 2 record(s) (HTTP 200)');
    expect(error.transient).toBe(true);
  });

  it.each([
    ['inside a string', '{"error":"","data":[{"id":1,"name":"Ab'],
    ['between records', '{"error":"","data":[{"id":1},'],
    ['after the data', '{"error":"","data":[{"id":1}]'],
    ['inside the error text', '{"error":"Bł'],
    ['inside an escape', '{"error":"","data":[{"id":1,"name":"\\'],
  ])('reports a List cut %s', (_where, answer) => {
    thrown(CsmartProtocolError, read(answer, [4]).end);
  });

  it('reports a body cut by a failing server (HTTP 5xx) as the service being down', () => {
    thrown(CsmartUpstreamError, read('{"error":"","data":[{"id":1}', [65536], 502).end);
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body><h1>Przerwa techniczna</h1></body></html>'],
    ['a PHP warning before the JSON', '\nWarning: Undefined array key "id" in /var/www/api.php on line 12\n{"error":"","data":[]}'],
    ['a JSON array instead of the envelope', '[{"id":1}]'],
  ])('reports %s as not JSON, quoting a little of it', (_name, answer) => {
    const error = thrown(CsmartProtocolError, () => readAll(`${BOM}${answer}`));
    expect(error.message).toMatch(/^CSMART Accounts\/List did not answer JSON \(HTTP 200\): "/);
  });

  it('reports an HTML error page answered with HTTP 503 as the service being down', () => {
    thrown(CsmartUpstreamError, () => readAll('<html><head><title>503 Service Unavailable</title></head></html>', [65536], 503));
  });

  it('reports an empty body, and one of only a BOM and white space', () => {
    expect(thrown(CsmartProtocolError, () => readAll('')).message).toMatch(/empty body/);
    expect(thrown(CsmartProtocolError, () => readAll(`${BOM}  \n`)).message).toMatch(/empty body/);
    expect(thrown(CsmartUpstreamError, () => readAll('', [1], 500)).message).toMatch(/empty body/);
  });

  it('reports something after the envelope (a PHP warning printed late) as not JSON', () => {
    thrown(CsmartProtocolError, () => readAll('{"error":"","data":[{"id":1}]}<br />\n<b>Notice</b>: …'));
  });

  it.each([
    ['a number', '[1,2]'], ['a string', '["a"]'], ['an array', '[[1]]'], ['a string in an id-keyed object', '{"1":"a"}'],
  ])('reports a record that is %s', (_name, data) => {
    expect(thrown(CsmartProtocolError, () => readAll(`{"error":"","data":${data}}`)).message).toMatch(/record that is not an object/);
  });

  it.each([
    ['records not separated by commas', '[{"id":1}{"id":2}]'],
    ['a record that is not JSON inside', '[{"id":1,"name":tru}]'],
    ['an id-keyed object without colons', '{"1"{"id":1}}'],
    ['data that is a number', '5'],
  ])('reports %s', (_name, data) => {
    thrown(CsmartProtocolError, () => readAll(`{"error":"","data":${data}}`));
  });

  it('names the record that is not JSON among whole records of one chunk, which are parsed together', () => {
    const data = `[{"id":1},{"id":2},\n {"id":3,"name":tru},{"id":4}]`;
    expect(thrown(CsmartProtocolError, () => readAll(`{"error":"","data":${data}}`)).message).toMatch(/record 3 that is not valid JSON/);
    // Spaces and line breaks between records are not part of any record's bytes.
    const spaced = readAll(`{"error":"","data":[ {"id":1} ,\n\t{"id":"2","a":[1]}\r\n, {"id":3} ]}`).records;
    expect(spaced.map((r) => r.bytes.toString())).toEqual(['{"id":1}', '{"id":"2","a":[1]}', '{"id":3}']);
    expect(spaced.map((r) => r.record)).toEqual([{ id: '1' }, { id: '2', a: [1] }, { id: '3' }]);
  });

  it('reports an envelope without the error field', () => {
    expect(thrown(CsmartProtocolError, () => readAll('{"data":[{"id":1}]}')).message).toMatch(/without the "error" field/);
  });

  it('never quotes a secret from the body in its messages', () => {
    const error = thrown(CsmartProtocolError, () => readAll('<html>token=s3cr3t-token</html>'));
    expect(error.message).not.toContain('s3cr3t-token');
  });
});

describe('small ordinary List read by one JSON.parse', () => {
  it('gives the records the reader gives for an ordinary answer, and leaves anything unusual to the reader', () => {
    const ordinary = `${BOM}{"error":"","data":${JSON.stringify([...ACCOUNTS, { name: 'no id' }, { id: null }])}}`;
    expect(ordinaryListRecords(Buffer.from(ordinary))).toEqual(readAll(ordinary).records.map((r) => r.record));
    for (const unusual of [
      '{"error":"Nieprawidłowy token","data":[]}', '{"data":[{"id":1}]}', '{"error":"","data":{"1":{"name":"A"}}}',
      '{"error":"","data":[{"id":1}],"error":"late"}', '{"error":"","data":[[1]]}', '<br /><b>Warning</b>: x',
      '{"error":"","data":[{"id":1}]} junk', '{"error":"","data":null}', `${BOM}${BOM}{"error":"","data":[]}`,
    ]) expect(ordinaryListRecords(Buffer.from(unusual)), unusual).toBeUndefined();
  });
});
