import { describe, expect, it } from 'vitest';
import { csvCell, csvHeader, csvRow, encodeCsv, quoteCsv, writeCsv, UTF8_BOM } from '../../lib/export/csv.ts';
import { describeFields } from '../../lib/export/field-schema.ts';
import { ChunkedGzipWriter } from '../../lib/export/gzip-stream.ts';
import { gunzipSync } from 'node:zlib';
import { buffer } from 'node:stream/consumers';

/** A minimal RFC 4180 reader, to check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  return rows;
}

describe('CSV encoding (RFC 4180)', () => {
  it('leaves plain text unquoted', () => {
    expect(quoteCsv('Firma ABC')).toBe('Firma ABC');
  });

  it('quotes a field that contains a comma', () => {
    expect(quoteCsv('Kowalski, Jan')).toBe('"Kowalski, Jan"');
  });

  it('quotes a field with a double quote and doubles the quote', () => {
    expect(quoteCsv('Firma "Kwiat"')).toBe('"Firma ""Kwiat"""');
  });

  it('quotes fields with CR or LF inside', () => {
    expect(quoteCsv('linia 1\nlinia 2')).toBe('"linia 1\nlinia 2"');
    expect(quoteCsv('linia 1\r\nlinia 2')).toBe('"linia 1\r\nlinia 2"');
    expect(quoteCsv('a\rb')).toBe('"a\rb"');
  });

  it('writes null and undefined as empty cells', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('writes nested values as JSON, quoted', () => {
    expect(csvCell({ a: 1, b: 'x' })).toBe('"{""a"":1,""b"":""x""}"');
    expect(csvCell([1, 2])).toBe('"[1,2]"');
  });

  it('writes numbers and booleans as text', () => {
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(true)).toBe('true');
  });

  it('guards text Excel would run as a formula, but not plain numbers', () => {
    expect(csvCell('=HYPERLINK("http://zly.example","klik")')).toBe('"\'=HYPERLINK(""http://zly.example"",""klik"")"');
    expect(csvCell('+48 600 100 200')).toBe("'+48 600 100 200");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-5.00')).toBe('-5.00');
    expect(csvCell('-5,00')).toBe('"-5,00"');
    expect(csvCell('=1+1', { formulaGuard: false })).toBe('=1+1');
  });

  it('guards a cell starting with a tab or CR too, and leaves an empty text empty', () => {
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('')).toBe('');
    expect(csvRow({ id: '1', a: '=x', b: '' }, ['id', 'a', 'b'], { formulaGuard: false })).toBe('1,=x,\r\n');
  });

  it('starts the header with a UTF-8 BOM and ends lines with CRLF', () => {
    expect(csvHeader(['id', 'name'])).toBe(`${UTF8_BOM}id,name\r\n`);
    expect(csvHeader(['id'], { bom: false })).toBe('id\r\n');
    expect(csvRow({ id: '1', name: 'A' }, ['id', 'name'])).toBe('1,A\r\n');
  });

  it('puts the values in header order and leaves missing fields empty', () => {
    expect(csvRow({ id: '7', city: 'Kraków' }, ['id', 'name', 'city'])).toBe('7,,Kraków\r\n');
  });

  it('builds the header from the union of fields in first-seen order with id first', () => {
    const records = [{ name: 'A', id: '1' }, { id: '2', email: 'b@example.pl', name: 'B' }, { id: '3', phone_mobile: '600' }];
    expect(describeFields(records).map((f) => f.name)).toEqual(['id', 'name', 'email', 'phone_mobile']);
  });

  it('keeps Polish letters intact as UTF-8 bytes', () => {
    const text = encodeCsv([{ id: '1', name: 'Zażółć gęślą jaźń — ĄĆĘŁŃÓŚŹŻ' }]);
    const bytes = Buffer.from(text, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('Zażółć gęślą jaźń — ĄĆĘŁŃÓŚŹŻ');
    expect(bytes.includes(Buffer.from('ł', 'utf8'))).toBe(true);
  });

  it('encodes a whole list into one string for small outputs', () => {
    expect(encodeCsv([{ id: '1', name: 'A, B' }, { id: '2', note: 'x' }])).toBe(`${UTF8_BOM}id,name,note\r\n1,"A, B",\r\n2,,x\r\n`);
  });

  it('streams a large CSV through gzip in chunks and reads back identical', async () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ id: String(i), name: `Firma "${i}", Gdańsk`, description: 'wiersz 1\r\nwiersz 2' }));
    const fields = describeFields(records).map((f) => f.name);
    const writer = new ChunkedGzipWriter();
    const collected = buffer(writer.output);
    await writeCsv(records, fields, writer);
    await writer.end();
    const text = gunzipSync(await collected).toString('utf8');
    expect(text).toBe(encodeCsv(records));
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(['id', 'name', 'description']);
    expect(rows).toHaveLength(records.length);
    expect(rows[4321]).toEqual(['4321', 'Firma "4321", Gdańsk', 'wiersz 1\r\nwiersz 2']);
    expect(writer.chunksWritten).toBeLessThan(records.length / 100);
  });
});
