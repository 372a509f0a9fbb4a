import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportEventPublishError } from '../../lib/export/errors.ts';
import { createEventPublisher, publishInBatches } from '../../lib/export/event-publisher.ts';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const noWait = { sleep: async () => undefined, random: () => 0.5 };

function entries(count: number): PutEventsRequestEntry[] {
  return Array.from({ length: count }, (_, i) => ({ Source: 'csmart', DetailType: 'Account Created', Detail: JSON.stringify({ id: String(i) }), EventBusName: 'bus' }));
}

function sentIds(call: number): string[] {
  const input = eventBridge.commandCalls(PutEventsCommand)[call]!.args[0].input;
  return (input.Entries ?? []).map((e) => JSON.parse(e.Detail!).id);
}

afterEach(() => eventBridge.reset());

describe('createEventPublisher', () => {
  it('sends a batch in one PutEvents call', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: entries(3).map((_, i) => ({ EventId: `e${i}` })) });
    await createEventPublisher({ client, ...noWait })(entries(3));
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(sentIds(0)).toEqual(['0', '1', '2']);
  });

  it('sends again only the entries EventBridge refused', async () => {
    eventBridge.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 2, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }, { ErrorCode: 'InternalFailure' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }, { EventId: 'd' }] });
    await createEventPublisher({ client, ...noWait })(entries(4));
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(sentIds(1)).toEqual(['1', '3']);
  });

  it('gives up after the last attempt and names the error codes', async () => {
    // Entry "1" is refused every time; the others are accepted.
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      const results = input.Entries.map((e) => (JSON.parse(e.Detail!).id === '1' ? { ErrorCode: 'ThrottlingException' } : { EventId: 'ok' }));
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    });
    const publish = createEventPublisher({ client, maxAttempts: 3, ...noWait });
    const failure = await publish(entries(2)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportEventPublishError);
    expect(failure).toMatchObject({ code: 'publish', failedCount: 1, errorCodes: ['ThrottlingException'] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
    expect(sentIds(2)).toEqual(['1']);
  });

  it('backs off between attempts', async () => {
    const waits: number[] = [];
    eventBridge.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }] });
    await createEventPublisher({ client, baseDelayMs: 100, random: () => 1, sleep: async (ms) => { waits.push(ms); } })(entries(1));
    expect(waits).toEqual([100, 200]);
  });

  it('lets an error of the whole call through', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('AccessDenied'));
    await expect(createEventPublisher({ client, ...noWait })(entries(1))).rejects.toThrow('AccessDenied');
  });
});

describe('publishInBatches', () => {
  it('sends every batch and counts the entries', async () => {
    const seen: number[] = [];
    const sent = await publishInBatches([entries(10), entries(10), entries(3)], async (batch) => { seen.push(batch.length); }, 2);
    expect(sent).toBe(23);
    expect(seen.sort()).toEqual([10, 10, 3].sort());
  });

  it('stops taking batches after a failure', async () => {
    let calls = 0;
    const batches = Array.from({ length: 50 }, () => entries(1));
    const result = publishInBatches(batches, async () => {
      calls += 1;
      if (calls === 2) throw new Error('boom');
    }, 1);
    await expect(result).rejects.toThrow('boom');
    expect(calls).toBe(2);
  });
});
