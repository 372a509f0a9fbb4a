import { describe, expect, it } from 'vitest';
import { FaultQueue } from '../../sandbox/faults.ts';
import { syntheticIdOfNip, syntheticNip } from '../../sandbox/seed.ts';
import { SandboxStore, nipDigits, parseId } from '../../sandbox/store.ts';
import { TokenRegistry } from '../../sandbox/tokens.ts';
import { UserDirectory, sha1Hex } from '../../sandbox/users.ts';
import { AnswerEncoder, DEFAULT_WIRE_SETTINGS, formFields } from '../../sandbox/wire.ts';
import { hasValidNipChecksum } from './nip-checksum.ts';

describe('store', () => {
  it('hands out frozen records, so a caller cannot change the store by accident', () => {
    const store = new SandboxStore('demo');
    const record = store.put('Accounts', { name: 'Alfa' });

    expect(Object.isFrozen(record)).toBe(true);
    expect(() => { (record as Record<string, unknown>).name = 'Beta'; }).toThrow(TypeError);
  });

  it('puts a record under a given id and continues the ids after it', () => {
    const store = new SandboxStore('demo');

    store.put('Events', { id: 10, name: 'a' });
    const next = store.put('Events', { name: 'b' });

    expect(next.id).toBe(11);
  });

  it('raises the revision on every change, never back to an earlier value after clear()', () => {
    const store = new SandboxStore('demo');
    store.put('Accounts', { name: 'a' });
    const seen = [store.revision('Accounts')];

    store.put('Accounts', { id: 1, name: 'b' });
    seen.push(store.revision('Accounts'));
    store.clear();
    store.put('Accounts', { name: 'c' });
    seen.push(store.revision('Accounts'));

    expect(new Set(seen).size).toBe(3);
  });

  it('tells every change to onChange', () => {
    const store = new SandboxStore('demo');
    let changes = 0;
    store.onChange = () => changes++;

    store.put('Accounts', { name: 'a' });
    store.update('Accounts', 1, { city: 'Łódź' });
    store.delete('Accounts', 1);
    store.addSyntheticAccounts(10);
    store.clear();

    expect(changes).toBe(5);
  });

  it('round-trips through a snapshot', () => {
    const store = new SandboxStore('demo');
    store.put('Accounts', { name: 'Ąę', nip: '526-025-02-74' });
    store.addSyntheticAccounts(3);
    store.put('Accounts', { id: 3, name: 'edited' });

    const copy = new SandboxStore('demo');
    copy.loadSnapshot(JSON.parse(JSON.stringify(store.toSnapshot())));

    expect(copy.list('Accounts')).toEqual(store.list('Accounts'));
    expect(copy.hasAccountWithNip('5260250274')).toBe(true);
  });

  it.each([
    ['526-025-02-74', '5260250274'],
    ['PL 526 025 02 74', '5260250274'],
    ['', ''],
  ])('normalises NIP %j to its digits', (given, expected) => {
    expect(nipDigits(given)).toBe(expected);
  });

  it.each([
    ['12', 12], [' 7 ', 7], [3, 3], ['0', undefined], ['-1', undefined], ['1.5', undefined], ['1e3', undefined], ['abc', undefined],
  ])('parses id %j as %j', (given, expected) => {
    expect(parseId(given)).toBe(expected);
  });
});

describe('synthetic NIPs', () => {
  it('are valid and unique, and lead back to their id', () => {
    const seen = new Set<string>();
    for (let id = 1; id <= 20_000; id++) {
      const nip = syntheticNip(id);
      expect(hasValidNipChecksum(nip)).toBe(true);
      expect(syntheticIdOfNip(nip)).toBe(id);
      seen.add(nip);
    }
    expect(seen.size).toBe(20_000);
  });

  it('lead back to no id when the checksum is wrong', () => {
    const nip = syntheticNip(42);
    expect(syntheticIdOfNip(`${nip.slice(0, 9)}${(Number(nip[9]) + 1) % 10}`)).toBeUndefined();
  });
});

describe('fault queue', () => {
  it('gives each request the first matching fault, in order', () => {
    const faults = new FaultQueue();
    faults.add({ kind: 'empty', module: 'Accounts' });
    faults.add({ kind: 'html' });

    expect(faults.take('Products', 'List')?.kind).toBe('html');
    expect(faults.take('Accounts', 'List')?.kind).toBe('empty');
    expect(faults.take('Accounts', 'List')).toBeUndefined();
  });

  it('limits a fault to requests carrying a text, so one entity alone can be refused', () => {
    const faults = new FaultQueue();
    faults.add({ kind: 'error', text: 'Nieprawidłowa wartość pola name.', contains: 'ODRZUĆ', count: -1 });
    expect(faults.take('Accounts', 'Save', new Map([['name', 'Firma']]))).toBeUndefined();
    expect(faults.take('Accounts', 'Save', new Map([['name', 'Firma ODRZUĆ 7']]))).toMatchObject({ kind: 'error', text: 'Nieprawidłowa wartość pola name.' });
    expect(() => faults.add({ kind: 'error' })).toThrow(/text must be/);
  });

  it('lets a Save take effect under truncate and php-warning, not under status or drop', () => {
    const faults = new FaultQueue();
    const processed = (['latency', 'truncate', 'php-warning', 'status', 'html', 'drop', 'empty'] as const)
      .map((kind) => [kind, faults.add({ kind }).processed]);

    expect(Object.fromEntries(processed)).toEqual({
      latency: true, truncate: true, 'php-warning': true, status: false, html: false, drop: false, empty: false,
    });
  });
});

describe('users and tokens', () => {
  it('authenticates by domain, e-mail (any case) and SHA-1 hash', () => {
    const users = new UserDirectory([{ domain: 'Demo', email: 'Ania@Firma.pl', password: 'zażółć' }]);

    expect(users.authenticate('demo', 'ania@firma.pl', sha1Hex('zażółć'))).toBe('demo');
    expect(users.authenticate('demo', 'ania@firma.pl', sha1Hex('zazolc'))).toBeUndefined();
  });

  it('checks the lifetime when a token is used', () => {
    let now = 1_000;
    const tokens = new TokenRegistry(60, () => now);
    const token = tokens.issue('demo');

    now += 59_999;
    expect(tokens.isValid(token, 'demo')).toBe(true);
    now += 1;
    expect(tokens.isValid(token, 'demo')).toBe(false);
  });
});

describe('wire', () => {
  it('keeps the last of repeated form fields, as PHP does', () => {
    expect(formFields('a=1&a=2&b=x+y').get('a')).toBe('2');
  });

  it('encodes a list over several chunks as one valid envelope', () => {
    const store = new SandboxStore('demo');
    store.addSyntheticAccounts(10_000);
    const encoder = new AnswerEncoder(store);

    const chunks = encoder.encode({ kind: 'list', module: 'Accounts', domain: 'demo' }, { ...DEFAULT_WIRE_SETTINGS, listShape: 'object', idType: 'string' });

    expect(chunks.length).toBeGreaterThan(3);
    const data = JSON.parse(Buffer.concat(chunks).toString('utf8').slice(1)).data as Record<string, { id: string }>;
    expect(Object.keys(data)).toHaveLength(10_000);
    expect(data['9999']?.id).toBe('9999');
  });
});
