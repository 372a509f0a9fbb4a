import { describe, expect, it } from 'vitest';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { batchEntries, buildChangeEntry, changeEventId, detailType, entrySize, type ChangeEventContext } from '../../lib/export/change-events.ts';
import type { Change } from '../../lib/export/changes.ts';
import { EVENT_SIZE_LIMITS } from '../../lib/export/constants.ts';
import { ExportEventTooLargeError } from '../../lib/export/errors.ts';
import { account } from './helpers.ts';

const context: ChangeEventContext = { module: 'Accounts', date: '2026-03-02', domain: 'firma', baseline: '2026-03-01', eventBus: 'csmart-prod', maxEventBytes: EVENT_SIZE_LIMITS.current };
const location = { bucket: 'exports', key: 'csmart/Accounts/dt=2026-03-02/ndjson/Accounts-2026-03-02.ndjson.gz', line: 3 };

function created(id: number, fields: Record<string, unknown> = {}): Change {
  return { kind: 'Created', id: String(id), hash: `h${id}`, record: account(id, fields), location };
}

function entryOfBytes(bytes: number): PutEventsRequestEntry {
  const overhead = entrySize({ Source: 'csmart', DetailType: 'Account Created', Detail: '""' });
  return { Source: 'csmart', DetailType: 'Account Created', Detail: JSON.stringify('x'.repeat(bytes - overhead)) };
}

describe('change event entries', () => {
  it('names the detail-type after the record and the change', () => {
    expect(detailType('Accounts', 'Created')).toBe('Account Created');
    expect(detailType('Opportunities', 'Updated')).toBe('Opportunity Updated');
    expect(detailType('SalesOrders', 'Deleted')).toBe('SalesOrder Deleted');
    expect(detailType('Events', 'Created')).toBe('Event Created');
  });

  it('builds a PutEvents entry with source csmart, the bus and the record in the detail', () => {
    const entry = buildChangeEntry(created(7), context);
    expect(entry).toMatchObject({ Source: 'csmart', DetailType: 'Account Created', EventBusName: 'csmart-prod' });
    expect(JSON.parse(entry.Detail!)).toEqual({
      eventId: changeEventId(context, { kind: 'Created', id: '7', hash: 'h7' }),
      change: 'Created', module: 'Accounts', date: '2026-03-02', domain: 'firma', id: '7', record: account(7),
    });
  });

  it('puts the changed fields and their previous values in an update', () => {
    const change: Change = { kind: 'Updated', id: '7', hash: 'h', record: account(7, { city: 'Gdańsk' }), location, changedFields: ['city'], previous: { city: 'Łódź' } };
    const detail = JSON.parse(buildChangeEntry(change, context).Detail!);
    expect(detail).toMatchObject({ change: 'Updated', changedFields: ['city'], previous: { city: 'Łódź' }, record: { city: 'Gdańsk' } });
  });

  it('gives the same change against the same baseline the same event id, whatever the day, and other changes other ids', () => {
    const id = changeEventId(context, { kind: 'Updated', id: '7', hash: 'abc' });
    expect(changeEventId(context, { kind: 'Updated', id: '7', hash: 'abc' })).toBe(id);
    expect(buildChangeEntry({ kind: 'Updated', id: '7', hash: 'abc', record: account(7), location }, { ...context, date: '2026-03-03' }).Detail).toContain(`"eventId":"${id}"`);
    expect(changeEventId(context, { kind: 'Updated', id: '7', hash: 'abd' })).not.toBe(id);
    // The same content again after another announced state (changed back and forth) is a new change.
    expect(changeEventId({ ...context, baseline: '2026-03-05' }, { kind: 'Updated', id: '7', hash: 'abc' })).not.toBe(id);
    expect(changeEventId(context, { kind: 'Created', id: '7', hash: 'abc' })).not.toBe(id);
  });

  it('counts entry size in UTF-8 bytes of Source, DetailType, Detail and Resources, plus 14 for Time', () => {
    expect(entrySize({ Source: 'csmart', DetailType: 'Account Created', Detail: '{"a":"ł"}' })).toBe(6 + 15 + 10);
    expect(entrySize({ Source: 'a', DetailType: 'b', Detail: 'c', Resources: ['arn:x', 'ż'], Time: new Date(), EventBusName: 'not-counted' })).toBe(3 + 5 + 2 + 14);
  });

  it('replaces a record too large for an event by its S3 location', () => {
    const big = created(9, { description: 'ż'.repeat(200_000) });
    const small = { ...context, maxEventBytes: EVENT_SIZE_LIMITS.before2026 };
    const entry = buildChangeEntry(big, small);
    const detail = JSON.parse(entry.Detail!);
    expect(detail.record).toBeUndefined();
    expect(detail.s3).toEqual(location);
    expect(detail.id).toBe('9');
    expect(entrySize(entry)).toBeLessThanOrEqual(small.maxEventBytes);
    // The same record fits under today's 1 MB limit.
    expect(JSON.parse(buildChangeEntry(big, context).Detail!).record.id).toBe('9');
  });

  it('keeps the changed field names in a reference when they fit', () => {
    const change: Change = { kind: 'Updated', id: '9', hash: 'h', record: account(9, { description: 'x'.repeat(300_000) }), location, changedFields: ['description'], previous: { description: 'y'.repeat(300_000) } };
    const detail = JSON.parse(buildChangeEntry(change, { ...context, maxEventBytes: EVENT_SIZE_LIMITS.before2026 }).Detail!);
    expect(detail).toMatchObject({ changedFields: ['description'], s3: location });
    expect(detail.previous).toBeUndefined();
  });

  it('fails clearly when even a reference does not fit', () => {
    expect(() => buildChangeEntry(created(9), { ...context, maxEventBytes: 100 })).toThrow(ExportEventTooLargeError);
  });
});

describe('batchEntries', () => {
  it('puts at most 10 entries in a call', () => {
    const entries = Array.from({ length: 25 }, () => entryOfBytes(100));
    const batches = [...batchEntries(entries, { maxBytes: EVENT_SIZE_LIMITS.current })];
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
  });

  it('keeps the total size of a call within the limit', () => {
    const entries = Array.from({ length: 6 }, () => entryOfBytes(100_000));
    const batches = [...batchEntries(entries, { maxBytes: EVENT_SIZE_LIMITS.before2026 })];
    expect(batches.map((b) => b.length)).toEqual([2, 2, 2]);
    for (const batch of batches) expect(batch.reduce((sum, e) => sum + entrySize(e), 0)).toBeLessThanOrEqual(EVENT_SIZE_LIMITS.before2026);
  });

  it('fills a call exactly up to the limit', () => {
    const entries = [entryOfBytes(600), entryOfBytes(400), entryOfBytes(30)];
    expect([...batchEntries(entries, { maxBytes: 1000 })].map((b) => b.length)).toEqual([2, 1]);
  });

  it('yields nothing for no entries', () => {
    expect([...batchEntries([], { maxBytes: 1000 })]).toEqual([]);
  });
});
