import { describe, expect, it } from 'vitest';
import { settingLine } from '../../bin/doctor/report.ts';
import { guessFieldNames, surveyModule } from '../../bin/doctor/survey.ts';
import type { RawAnswer } from '../../bin/doctor/wire.ts';
import { testNip } from '../../bin/doctor/write-probes.ts';

const answer = (data: unknown, extra: Partial<RawAnswer> = {}): RawAnswer => ({
  status: 200, contentType: 'text/html; charset=UTF-8', bytes: 100, ms: 5, bom: true, error: '', data, problem: undefined, ...extra,
});

describe('the module survey', () => {
  it('records the shape, the field names with their JSON types, and which read fields are there', () => {
    const survey = surveyModule('Accounts', answer({ 7: { name: 'A', nip: 5260250274, email: null }, 8: { name: 'B', nip: '526-025-02-74', email: 'b@x.pl' } }));

    expect(survey).toMatchObject({ shape: 'object', count: 2, fields: { name: ['string'], nip: ['number', 'string'], email: ['null', 'string'] } });
    expect(survey.read).toEqual({ id: 'id-key', name: 'present', nip: 'present', email: 'present', description: 'missing' });
  });

  it('tells an empty list, a failed one and data that is no list apart', () => {
    expect(surveyModule('Events', answer([])).read).toEqual({ id: 'unseen', description: 'unseen' });
    expect(surveyModule('Events', answer(null, { error: 'Brak uprawnień.' })).failure).toBe('Brak uprawnień.');
    expect(surveyModule('Events', answer('lista')).shape).toBe('other');
  });

  it('guesses the CRM\'s names by name first, then by what the values look like', () => {
    const accounts = surveyModule('Accounts', answer([
      { ID: '1', Nazwa_klienta: 'A', bank_account_name: 'mBank', vat_no: 'PL 526-025-02-74', kontakt: 'a@x.pl', Uwagi: 'u' },
      { ID: '2', Nazwa_klienta: 'B', bank_account_name: 'ING', vat_no: '1234563218', kontakt: '', Uwagi: '' },
    ]));
    const opportunities = surveyModule('Opportunities', answer([{ record_id: 3, account_id: 1, opis: 'x' }]));

    expect(guessFieldNames([accounts, opportunities])).toEqual({ id: 'ID', name: 'Nazwa_klienta', nip: 'vat_no', email: 'kontakt', description: 'Uwagi' });
    expect(guessFieldNames([opportunities])).toEqual({ id: 'record_id', description: 'opis' });
  });
});

describe('the report', () => {
  it('quotes a settings value for a POSIX shell only when it needs it', () => {
    expect(settingLine('CSMART_EDIT_MODE', 'replace').line).toBe('CSMART_EDIT_MODE=replace');
    expect(settingLine('CSMART_FIELD_NAMES', '{"nip":"NIP"}').line).toBe(`CSMART_FIELD_NAMES='{"nip":"NIP"}'`);
    expect(settingLine('X', "it's").line).toBe(`X='it'\\''s'`);
  });

  it('picks test NIPs with a valid checksum that no client has', () => {
    const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.05];
    let i = 0;
    const nip = testNip(new Set(), () => values[i++ % values.length]!);
    const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    expect(nip).toMatch(/^\d{10}$/);
    expect([...nip.slice(0, 9)].reduce((sum, d, k) => sum + Number(d) * weights[k]!, 0) % 11).toBe(Number(nip[9]));
    i = 0;
    expect(testNip(new Set([nip]), () => values[i++ % values.length]!)).not.toBe(nip);
  });
});
