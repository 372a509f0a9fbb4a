import { describe, expect, it } from 'vitest';
import { ExportConfigError } from '../../lib/export/errors.ts';
import { describeFields } from '../../lib/export/field-schema.ts';
import { dateOfFolder, isExportDate, lockKey, normalizePrefix, snapshotKeys } from '../../lib/export/layout.ts';

describe('export layout', () => {
  it('puts each module and day in its own dt= folder, the NDJSON alone in a sub-folder for Athena', () => {
    expect(snapshotKeys('csmart/', 'Accounts', '2026-03-01')).toEqual({
      folder: 'csmart/Accounts/dt=2026-03-01',
      ndjson: 'csmart/Accounts/dt=2026-03-01/ndjson/Accounts-2026-03-01.ndjson.gz',
      csv: 'csmart/Accounts/dt=2026-03-01/csv/Accounts-2026-03-01.csv.gz',
      index: 'csmart/Accounts/dt=2026-03-01/index.bin',
      legacyIndex: 'csmart/Accounts/dt=2026-03-01/index.json.gz',
      manifest: 'csmart/Accounts/dt=2026-03-01/manifest.json',
    });
  });

  it('accepts a prefix with or without slashes, or none', () => {
    expect(normalizePrefix('/exports/csmart/')).toBe('exports/csmart');
    expect(snapshotKeys('', 'Products', '2026-03-01').folder).toBe('Products/dt=2026-03-01');
    expect(lockKey('csmart/')).toBe('csmart/_lock/export.json');
  });

  it('accepts only real calendar dates', () => {
    expect(isExportDate('2026-02-28')).toBe(true);
    expect(isExportDate('2028-02-29')).toBe(true);
    expect(isExportDate('2026-02-29')).toBe(false);
    expect(isExportDate('2026-3-1')).toBe(false);
    expect(() => snapshotKeys('p', 'Accounts', '../x')).toThrow(ExportConfigError);
  });

  it('reads the date of a dt= folder and nothing else', () => {
    expect(dateOfFolder('dt=2026-03-01')).toBe('2026-03-01');
    expect(dateOfFolder('dt=2026-13-01')).toBeUndefined();
    expect(dateOfFolder('notes')).toBeUndefined();
  });
});

describe('describeFields', () => {
  it('records every JSON type seen per field and how often the field appears', () => {
    const fields = describeFields([{ id: '1', total: '12.00', tags: ['a'] }, { id: '2', total: 12, meta: { a: 1 } }, { id: '3', total: null }]);
    expect(fields).toEqual([
      { name: 'id', types: ['string'], present: 3 },
      { name: 'total', types: ['string', 'number', 'null'], present: 3 },
      { name: 'tags', types: ['array'], present: 1 },
      { name: 'meta', types: ['object'], present: 1 },
    ]);
  });

  it('counts every field once per record when records change their keys or their order', () => {
    const fields = describeFields([
      { id: '1', name: 'A', city: 'Gdańsk' },
      { id: '2', name: 'B', city: 'Łódź' },
      { name: 'C', id: '3', nip: 5260250274, city: null },
      { id: '4', city: 'Kraków' },
      { id: '5', name: 'E', city: 'Opole' },
    ]);
    expect(fields).toEqual([
      { name: 'id', types: ['string'], present: 5 },
      { name: 'name', types: ['string'], present: 4 },
      { name: 'city', types: ['string', 'null'], present: 5 },
      { name: 'nip', types: ['number'], present: 1 },
    ]);
  });

  it('lists id even for an empty list, so the CSV always has a header', () => {
    expect(describeFields([])).toEqual([{ name: 'id', types: [], present: 0 }]);
  });
});
