import { describe, expect, it, vi } from 'vitest';
import type { CsmartClient } from '../../lib/csmart/client.ts';
import type { ListedRecord } from '../../lib/csmart/list-stream.ts';
import type { CsmartRecord } from '../../lib/csmart/modules.ts';
import { createAccountDirectory, hashText } from '../../lib/delivery/account-directory.ts';
import * as pages from '../../lib/memory/shared-pages.ts';
import { PackedTexts } from '../../lib/delivery/packed-texts.ts';
import { SortedKeys } from '../../lib/delivery/sorted-keys.ts';
import { guardEmptyLists } from '../../lib/delivery/list-guard.ts';
import { CsmartUpstreamError } from '../../lib/csmart/errors.ts';

/** A client whose Accounts List streams the given records in batches, counting the Lists. */
function streamingClient(records: () => Iterable<CsmartRecord>) {
  const calls = { lists: 0 };
  const client: Pick<CsmartClient, 'listStream'> = {
    async *listStream() {
      calls.lists++;
      let batch: ListedRecord[] = [];
      for (const record of records()) {
        batch.push({ record, bytes: Buffer.from(JSON.stringify(record)) });
        if (batch.length === 100) { yield batch; batch = []; }
      }
      if (batch.length > 0) yield batch;
    },
  };
  return { client, calls };
}

const account = (i: number): CsmartRecord => ({
  id: String(i), name: `Firma ${i}`, nip: `PL 526-025-${String(i).padStart(4, '0')}`, email: ` Kontakt${i}@Example.PL `,
  phone_mobile: `+48 600 100 ${String(i).padStart(3, '0')}`, description: 'd'.repeat(2000), city: 'Łódź',
});

describe('account directory', () => {
  it('finds a client by NIP, e-mail or phone from the streamed List, holding only what a lookup needs', async () => {
    const { client, calls } = streamingClient(function* () { for (let i = 1; i <= 500; i++) yield account(i); });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    // Found by the NIP's digits, handed on with the NIP as the record stores it (tasks carry it so).
    expect(await directory.find({ nip: '526025 0042' })).toEqual({ id: '42', name: 'Firma 42', nip: 'PL 526-025-0042' });
    expect((await directory.find({ email: 'kontakt7@example.pl' }))?.id).toBe('7');
    expect((await directory.find({ phone: '600-100-123' }))?.id).toBe('123');
    expect(await directory.find({ email: 'nobody@example.pl' })).toBeUndefined();
    expect((await directory.byId('500'))?.name).toBe('Firma 500');
    // One List for all of these: the index is reused within its TTL.
    expect(calls.lists).toBe(1);
    // A lookup never carries the record's other fields (its description could be long).
    expect(await directory.byId('1')).not.toHaveProperty('description');
  });

  it('takes a NIP and a name CSMART lists as numbers, and hands them on as their text', async () => {
    const { client } = streamingClient(function* () { yield { id: '9', name: 2024, nip: 5260250274 } as unknown as CsmartRecord; });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    expect(await directory.find({ nip: '526-025-02-74' })).toEqual({ id: '9', name: '2024', nip: '5260250274' });
  });

  it('reads one whole record from a fresh List when asked', async () => {
    const { client, calls } = streamingClient(function* () { for (let i = 1; i <= 300; i++) yield account(i); });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    expect(await directory.record('250')).toEqual(account(250));
    expect(await directory.record('999')).toBeUndefined();
    expect(calls.lists).toBe(2);
  });

  it('lets the newest of duplicate clients win, and remembers what this process saved', async () => {
    const { client } = streamingClient(function* () { yield { id: '1', email: 'a@b.pl' }; yield { id: '2', email: 'A@b.pl' }; });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    expect((await directory.find({ email: 'a@b.pl' }))?.id).toBe('2');
    directory.remember({ id: '3', nip: '5260250274', name: 'Nowy' });
    await Promise.resolve();
    expect(await directory.find({ nip: '526-025-02-74' })).toEqual({ id: '3', nip: '5260250274', name: 'Nowy' });
    expect(await directory.find({ nip: '5260250275' })).toBeUndefined();
  });

  it('finds by the normalised phone only when neither NIP nor e-mail is given', async () => {
    const { client } = streamingClient(function* () { yield { id: '5', phone_office: '0048 601 000 001' }; });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    expect((await directory.find({ phone: '+48 601-000-001' }))?.id).toBe('5');
    expect((await directory.find({ phone: '601000001' }))?.id).toBe('5');
    // With an e-mail, the client is that e-mail's: a shared office phone names no one.
    expect(await directory.find({ email: 'other@example.pl', phone: '601000001' })).toBeUndefined();
  });

  it('takes a streamed List with no records, where we linked clients, for a glitch to retry, never for deletion', async () => {
    const { client } = streamingClient(function* () {});
    let linked = true;
    const guarded = guardEmptyLists({ ...client, list: async () => [] }, { hasRecords: async () => linked });
    const directory = createAccountDirectory({ client: guarded, ttlMs: 60_000 });
    await expect(directory.byId('1')).rejects.toBeInstanceOf(CsmartUpstreamError);
    await expect(directory.record('1')).rejects.toBeInstanceOf(CsmartUpstreamError);
    linked = false;
    expect(await directory.byId('1', { fresh: true })).toBeUndefined();
  });

  it('hashes 300,000 similar keys (NIPs, e-mails, phones) without a collision in the 45 bits kept for as many clients', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      for (const key of [String(5_260_000_000 + i), `kontakt${i}@example.pl`, String(600_000_000 + i)]) {
        const { hi, lo } = hashText(key);
        // The high 32 bits and the 13 of the low word above the 19 a slot of 300,000 takes (`SortedKeys`).
        seen.add(hi * 2 ** 13 + Math.floor(lo / 2 ** 19));
      }
    }
    expect(seen.size).toBe(300_000);
  });

  it('packs texts as UTF-8 and gives them back: Polish letters, absent ones, long ones, across chunks', () => {
    const texts = new PackedTexts();
    const long = 'Ż'.repeat(300);
    const huge = 'x'.repeat(1_500_000);
    const groups: (string | undefined)[][] = [];
    for (let i = 0; i < 60_000; i++) groups.push([String(i), i % 7 === 0 ? undefined : `Żółw ${i} sp. z o.o.`, i % 1000 === 0 ? long : `PL 526-025-${i}`]);
    groups.push(['huge', huge, undefined], ['', '', '']);
    const addresses = groups.map((group) => texts.add(group));
    expect(addresses.map((address) => texts.get(address, 3))).toEqual(groups);
    expect(texts.firstIs(addresses[42]!, '42')).toBe(true);
    expect(texts.firstIs(addresses[42]!, '4')).toBe(false);
    expect(texts.firstIs(addresses[42]!, '420')).toBe(false);
    // More than one chunk was needed, and a text larger than a chunk got one of its own.
    expect(texts.reservedBytes).toBeGreaterThan(3 * 1024 * 1024);
  });

  it('says after each List it was built from how many clients it holds', async () => {
    const { client } = streamingClient(function* () {
      for (let i = 1; i <= 250; i++) yield { id: String(i), name: `Klient ${i}`, email: `k${i}@b.pl` };
      yield { id: '7', name: 'Klient 7 (again)' };
    });
    const loads: { clients: number; ms: number }[] = [];
    const directory = createAccountDirectory({ client, ttlMs: 60_000, onLoaded: (loaded) => loads.push(loaded) });
    await directory.find({ email: 'k1@b.pl' });
    await directory.find({ email: 'k2@b.pl' });
    await directory.byId('3', { fresh: true });
    expect(loads.map((l) => l.clients)).toEqual([250, 250]);
    expect(loads.every((l) => l.ms >= 0)).toBe(true);
  });

  it('keeps a client listed again by id in one slot: the newest name, the NIP it had when the new one has none', async () => {
    const { client } = streamingClient(function* () {
      yield { id: '9', name: 'Stara', nip: '5260250274', email: 'stary@b.pl' };
      yield { id: '9', name: 'Nowa', email: 'nowy@b.pl' };
    });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    expect(await directory.byId('9')).toEqual({ id: '9', name: 'Nowa', nip: '5260250274' });
    expect(await directory.find({ email: 'stary@b.pl' })).toEqual({ id: '9', name: 'Nowa', nip: '5260250274' });
    expect(await directory.find({ nip: '5260250274' })).toEqual({ id: '9', name: 'Nowa', nip: '5260250274' });
  });

  it('answers for a client listed three times, among others, as its last listing, with the latest NIP before it, and counts it once', async () => {
    const { client } = streamingClient(function* () {
      yield { id: '9', name: 'Pierwsza', nip: '5260250274', email: 'pierwszy@b.pl' };
      for (let i = 10; i < 200; i++) yield { id: String(i), name: `Klient ${i}`, email: `k${i}@b.pl` };
      yield { id: '9', name: 'Druga', nip: '7010000000', phone_mobile: '600100200' };
      yield { id: '9', name: 'Trzecia', email: 'trzeci@b.pl' };
      yield { id: '10', name: 'Klient 10 (again)', nip: '1130000000' };
    });
    const loads: number[] = [];
    const directory = createAccountDirectory({ client, ttlMs: 60_000, onLoaded: (loaded) => loads.push(loaded.clients) });
    const last = { id: '9', name: 'Trzecia', nip: '7010000000' };
    expect(await directory.byId('9')).toEqual(last);
    expect(await directory.find({ email: 'pierwszy@b.pl' })).toEqual(last);
    expect(await directory.find({ nip: '5260250274' })).toEqual(last);
    expect(await directory.find({ phone: '+48 600 100 200' })).toEqual(last);
    expect(await directory.find({ email: 'k10@b.pl' })).toEqual({ id: '10', name: 'Klient 10 (again)', nip: '1130000000' });
    expect(loads).toEqual([191]);
    // Saved by this process without a NIP: it keeps the one it had.
    directory.remember({ id: '9', name: 'Czwarta' });
    await Promise.resolve();
    expect(await directory.find({ email: 'trzeci@b.pl' })).toEqual({ ...last, name: 'Czwarta' });
  });

  it('builds a List read again into the arrays of the one before, cleared, allocating none', async () => {
    let round = 0;
    const { client } = streamingClient(function* () {
      round++;
      for (let i = 1; i <= 3_000; i++) if (round === 1 || i !== 42) yield { id: String(i), name: `Klient ${i} (${round})`, nip: String(5_260_000_000 + i), email: `k${i}@b.pl` };
      if (round > 1) yield { id: '3001', name: 'Nowy', email: 'nowy@b.pl' };
    });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    expect((await directory.find({ email: 'k42@b.pl' }))?.id).toBe('42');
    const allocated = vi.spyOn(pages, 'sharedPages');
    const cleared = vi.spyOn(SortedKeys.prototype, 'clear');
    try {
      expect(await directory.find({ email: 'nowy@b.pl' }, { fresh: true })).toEqual({ id: '3001', name: 'Nowy' });
      expect(allocated).not.toHaveBeenCalled();
      expect(cleared).toHaveBeenCalledTimes(4);
    } finally {
      allocated.mockRestore();
      cleared.mockRestore();
    }
    // Nothing of the first List is left but what the second one holds.
    expect(await directory.find({ email: 'k42@b.pl' })).toBeUndefined();
    expect(await directory.find({ nip: '5260000042' })).toBeUndefined();
    expect(await directory.byId('42')).toBeUndefined();
    expect(await directory.find({ nip: '5260000041' })).toEqual({ id: '41', name: 'Klient 41 (2)', nip: '5260000041' });
  });

  it('makes a lookup that waited while a newer List took its arrays wait for that List, never read them half built', async () => {
    let round = 0;
    const { client } = streamingClient(function* () {
      round++;
      for (let i = 1; i <= 500; i++) yield { id: String(i), name: `Klient ${i} (${round})`, email: `k${i}@b.pl` };
    });
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    await directory.find({ email: 'k1@b.pl' });
    // The first lookup holds the built index when the second starts a reload into its arrays, in the same turn.
    const waited = directory.find({ email: 'k500@b.pl' });
    const reloaded = directory.find({ email: 'k500@b.pl' }, { fresh: true });
    expect(await waited).toEqual({ id: '500', name: 'Klient 500 (2)' });
    expect(await reloaded).toEqual({ id: '500', name: 'Klient 500 (2)' });
  });

  it('builds the next List into the arrays of one whose List failed halfway', async () => {
    let round = 0;
    const client: Pick<CsmartClient, 'listStream'> = {
      async *listStream() {
        round++;
        const batch: ListedRecord[] = [];
        for (let i = 1; i <= 200; i++) batch.push({ record: { id: String(i), email: `k${i}@b.pl` }, bytes: Buffer.from('{}') });
        yield batch;
        if (round === 2) throw new CsmartUpstreamError('CSMART Accounts/List failed', { module: 'Accounts', action: 'List' });
      },
    };
    const directory = createAccountDirectory({ client, ttlMs: 60_000 });
    expect((await directory.find({ email: 'k200@b.pl' }))?.id).toBe('200');
    await expect(directory.find({ email: 'k1@b.pl' }, { fresh: true })).rejects.toThrow(CsmartUpstreamError);
    const allocated = vi.spyOn(pages, 'sharedPages');
    try {
      expect((await directory.find({ email: 'k200@b.pl' }))?.id).toBe('200');
      expect(allocated).not.toHaveBeenCalled();
    } finally {
      allocated.mockRestore();
    }
  });

  it('keeps text chunks for the next texts once cleared, and stores a longer text in a chunk of its own among them', () => {
    const texts = new PackedTexts();
    for (let i = 0; i < 40_000; i++) texts.add([`klient-${i}`, 'Łódź'.repeat(10)]);
    const reserved = texts.reservedBytes;
    expect(reserved).toBeGreaterThan(1024 * 1024);
    texts.clear();
    const long = 'ż'.repeat(700_000);
    const again = Array.from({ length: 40_000 }, (_, i) => texts.add([`nowy-${i}`, i === 5 ? long : 'Kraków']));
    expect(texts.get(again[0]!, 2)).toEqual(['nowy-0', 'Kraków']);
    expect(texts.get(again[5]!, 2)).toEqual(['nowy-5', long]);
    expect(texts.get(again[39_999]!, 2)).toEqual(['nowy-39999', 'Kraków']);
    // Only the long text's own chunk is new.
    expect(texts.reservedBytes).toBe(reserved + 'nowy-5'.length + 5 + Buffer.byteLength(long) + 5);
  });
});
