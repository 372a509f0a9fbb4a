import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildChangeEntry, type ChangeEventContext } from '../../lib/export/change-events.ts';
import type { Change } from '../../lib/export/changes.ts';
import { account } from './helpers.ts';
import { validate, type Schema } from './json-schema.ts';

function schema(name: string): Schema {
  return JSON.parse(readFileSync(new URL(`../../schemas/change-events/${name}`, import.meta.url), 'utf8')) as Schema;
}

const detailSchema = schema('detail.schema.json');
const eventSchema = schema('event.schema.json');
const refs = { 'detail.schema.json': detailSchema };
const context: ChangeEventContext = { module: 'Opportunities', date: '2026-03-02', domain: 'firma', baseline: '2026-03-01', eventBus: 'bus', maxEventBytes: 262_144 };
const location = { bucket: 'b', key: 'k.ndjson.gz', line: 1 };

/** The event as EventBridge would deliver it to a target. */
function delivered(change: Change, ctx = context): unknown {
  const entry = buildChangeEntry(change, ctx);
  return { version: '0', id: 'x', source: entry.Source, 'detail-type': entry.DetailType, detail: JSON.parse(entry.Detail!) };
}

const changes: Array<[string, Change, ChangeEventContext?]> = [
  ['a creation', { kind: 'Created', id: '1', hash: 'h', record: account(1), location }],
  ['an update with changed fields', { kind: 'Updated', id: '1', hash: 'h', record: account(1), location, changedFields: ['city'], previous: { city: 'Łódź' } }],
  ['an update without the previous version', { kind: 'Updated', id: '1', hash: 'h', record: account(1), location }],
  ['a deletion with the last version', { kind: 'Deleted', id: '1', hash: 'h', record: account(1), location }],
  ['a deletion without it', { kind: 'Deleted', id: '1', hash: 'h', record: undefined, location: undefined }],
  ['an oversize record as an S3 reference', { kind: 'Updated', id: '1', hash: 'h', record: account(1, { d: 'x'.repeat(300_000) }), location, changedFields: ['d'], previous: { d: '' } }],
];

describe('change event JSON Schema', () => {
  it.each(changes)('accepts %s as built', (_name, change) => {
    expect(validate(eventSchema, delivered(change), refs)).toEqual([]);
  });

  it('rejects a detail that carries both the record and a reference', () => {
    const detail = { eventId: 'a'.repeat(32), change: 'Created', module: 'Accounts', date: '2026-03-02', domain: 'd', id: '1', record: { id: '1' }, s3: location };
    expect(validate(detailSchema, detail)).not.toEqual([]);
  });

  it('rejects changed fields on a creation and an unknown detail-type', () => {
    const detail = { eventId: 'a'.repeat(32), change: 'Created', module: 'Accounts', date: '2026-03-02', domain: 'd', id: '1', record: { id: '1' } };
    expect(validate(detailSchema, detail)).toEqual([]);
    expect(validate(detailSchema, { ...detail, changedFields: ['x'] })).not.toEqual([]);
    expect(validate(eventSchema, { source: 'csmart', 'detail-type': 'Account Created', detail }, refs)).toEqual([]);
    expect(validate(eventSchema, { source: 'csmart', 'detail-type': 'Client Created', detail }, refs)).not.toEqual([]);
  });
});
