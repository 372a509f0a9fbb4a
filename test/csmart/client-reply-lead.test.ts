import { describe, expect, it } from 'vitest';
import { parseReply } from '../../lib/csmart/parse-reply.ts';

const context = { module: 'Accounts', action: 'Save', status: 200, secrets: [] };
/** What the reader must do: strip every BOM and whitespace in front, as `/^[\uFEFF\s]+/` does, then parse. */
const outcome = (body: string) => {
  try {
    return { envelope: parseReply(body, context) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
};

describe('reply reader: what comes before the JSON (the usual `{` and one-BOM cases skip the regular expression)', () => {
  it.each([
    '{"error":"","data":{"id":"7"}}',
    '\uFEFF{"error":"","data":{"id":"7"}}',
    '\uFEFF\uFEFF{"error":"","data":{"id":"7"}}',
    ' \n\t\uFEFF {"error":"","data":{"id":"7"}}',
    '\u00a0{"error":"","data":{"id":"7"}}',
    '\uFEFF',
    '',
    ' \r\n',
    '\uFEFF<br /><b>Warning</b>: mysqli_connect(): token=abc in api.php',
    '\uFEFF{"error":"Brak uprawnień","data":null}',
  ])('reads %j as the regular expression would', (body) => {
    const reference = body.replace(/^[\uFEFF\s]+/, '');
    // The same answer for the body as for the body already stripped by the expression.
    expect(outcome(body)).toEqual(outcome(reference));
  });

  it('reads the envelope behind one BOM', () => {
    expect(parseReply('\uFEFF{"error":"","data":{"id":"7"}}', context)).toEqual({ error: '', data: { id: '7' } });
  });
});
