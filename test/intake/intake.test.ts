import { describe, expect, it } from 'vitest';
import { ConfigSettingMissingError } from '../../lib/config/errors.ts';
import { IntakeQueueUnavailableError } from '../../lib/intake/errors.ts';
import type { DeliveryJob, WorkPlan } from '../../lib/intake/job.ts';
import { RefusalError } from '../../lib/errors/refusal.ts';
import { readConfiguredEntry } from '../../lib/intake/configured-entry.ts';
import { createIntake, type IntakeEvent, type StoreInput } from '../../lib/intake/intake.ts';

const plan: WorkPlan = { kind: 'lead', groupKey: 'jan@example.pl', steps: [{ kind: 'account', fields: { name: 'Jan' }, match: { email: 'jan@example.pl' }, onMatch: 'keep' }] };
const now = new Date('2026-12-02T10:00:00Z');
const input = (extra: Partial<StoreInput> = {}): StoreInput => ({
  plan, origin: { form: 'contact' }, source: 'leads', dedupeFallback: 'body-hash', now, invokedFunctionArn: undefined,
  unavailableMessage: 'Please try again in a minute.', ...extra,
});

function intakeWith(send: (job: DeliveryJob) => Promise<void>) {
  const events: IntakeEvent[] = [];
  const sent: DeliveryJob[] = [];
  const intake = createIntake({ queue: { send: async (job) => { sent.push(job); await send(job); } }, report: (event) => events.push(event) });
  return { intake, events, sent };
}

describe('the intake core', () => {
  it('stores the job of a plan on the queue before answering, stamped with its id, source, dedupe key and time', async () => {
    const { intake, events, sent } = intakeWith(async () => {});

    const job = await intake.store(input({ id: 'sub-1' }));

    expect(sent).toEqual([job]);
    expect(job).toMatchObject({ v: 1, id: 'sub-1', source: 'leads', dedupeKey: 'body-hash', receivedAt: '2026-12-02T10:00:00.000Z', kind: 'lead' });
    expect(events).toEqual([{ type: 'accepted', origin: { form: 'contact' }, job }]);
  });

  it('keeps a plan\'s own dedupe key over the body hash', async () => {
    const { intake } = intakeWith(async () => {});

    const job = await intake.store(input({ plan: { ...plan, dedupeKey: 'order-7' } }));

    expect(job.dedupeKey).toBe('order-7');
  });

  it('answers a queue that did not take the job as unavailable (503, retry in 30 s), reporting it, never as accepted', async () => {
    const { intake, events } = intakeWith(async () => { throw new IntakeQueueUnavailableError('The delivery queue did not take the submission'); });

    const error = await intake.store(input({ origin: { source: 'calendly' }, unavailableMessage: 'please retry' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RefusalError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'unavailable', message: 'please retry', retryAfterSeconds: 30 });
    expect(events).toEqual([expect.objectContaining({ type: 'not-stored', origin: { source: 'calendly' } })]);
  });

  it('lets a missing queue setting through as our own failure, not the sender\'s', async () => {
    const { intake, events } = intakeWith(async () => { throw new ConfigSettingMissingError('CSMART_QUEUE_NAME (or the queue\'s URL) is not set', 'CSMART_QUEUE_NAME'); });

    await expect(intake.store(input())).rejects.toBeInstanceOf(ConfigSettingMissingError);
    expect(events).toEqual([]);
  });
});

describe('a configured entry (a form, a webhook source)', () => {
  function sources(listing: Map<string, string> | undefined, values: Record<string, string> = {}) {
    const reads: string[][] = [];
    return {
      reads,
      config: {
        listing: async () => listing,
        read: async (names: readonly string[]) => {
          reads.push([...names]);
          return new Map(names.map((name) => [name, values[name]]));
        },
      },
    };
  }

  it('costs no read when the listing does not have it', async () => {
    const { config, reads } = sources(new Map([['forms/contact', '{}']]));

    const entry = await readConfiguredEntry(config, { folder: 'forms', name: 'guessed', extras: ['secrets/turnstile'], wants: () => true });

    expect(entry.value).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('reads the extras only when the entry wants them', async () => {
    const { config, reads } = sources(new Map([['forms/contact', 'plain'], ['forms/guarded', 'turnstile']]), { 'secrets/turnstile': 'key' });
    const entryOf = (name: string) => readConfiguredEntry(config, { folder: 'forms', name, extras: ['secrets/turnstile'], wants: (value) => value === 'turnstile' });

    const plain = await entryOf('contact');
    const guarded = await entryOf('guarded');

    expect(plain).toEqual({ value: 'plain', extras: new Map() });
    expect(guarded.extras.get('secrets/turnstile')).toBe('key');
    expect(reads).toEqual([['secrets/turnstile']]);
  });

  it('asks for the entry and its extras in one batch until a listing has succeeded', async () => {
    const { config, reads } = sources(undefined, { 'secrets/calendly': 'key', 'webhooks/calendly': '{}' });

    const entry = await readConfiguredEntry(config, { folder: 'secrets', name: 'calendly', extras: ['webhooks/calendly'], wants: () => true });

    expect(entry.value).toBe('key');
    expect(entry.extras.get('webhooks/calendly')).toBe('{}');
    expect(reads).toEqual([['secrets/calendly', 'webhooks/calendly']]);
  });
});
