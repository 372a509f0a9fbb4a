import { describe, expect, it } from 'vitest';
import { isDate, isInstant } from '../../lib/providers/shared/instant.ts';
import { validNip } from '../../lib/mapping/nip.ts';
import { accountIdentity } from '../../lib/providers/shared/identity.ts';

describe('a NIP sent by a webhook source', () => {
  it.each([['5252248481', '5252248481'], ['525-224-84-81', '5252248481'], ['PL 525 22 48 481', '5252248481'], ['pl5252248481', '5252248481']])('reads %j as %s', (raw, nip) => {
    expect(validNip(raw)).toBe(nip);
  });

  it.each(['5252248482', '525224848', '52522484811', 'abc', ''])('rejects %j', (raw) => {
    expect(validNip(raw)).toBeUndefined();
  });
});

describe('date-time formats', () => {
  it.each(['2026-03-29T01:00:00Z', '2026-03-29T01:00:00.000000Z', '2026-10-25T02:30:00+02:00', '2026-10-25 02:30:00-05:30'])('accepts %s as an instant', (value) => {
    expect(isInstant(value)).toBe(true);
  });

  it.each(['2026-03-29T01:00:00', '2026-03-29T01:00Z', '2026-02-29T10:00:00Z', '2026-03-29T24:00:00Z', '2026-03-29T10:00:00+2:00', 'tomorrow'])('rejects %s', (value) => {
    expect(isInstant(value)).toBe(false);
  });

  it('checks calendar dates, leap years included', () => {
    expect([isDate('2028-02-29'), isDate('2026-02-29'), isDate('2026-04-31'), isDate('2026-4-1')]).toEqual([true, false, false, false]);
  });
});

describe('group keys of clients', () => {
  it('group by NIP first, then by e-mail regardless of case, as the worker finds clients', () => {
    expect(accountIdentity('5252248481', 'Ewa@Saldo.pl')).toBe('nip:5252248481');
    expect(accountIdentity(undefined, ' Ewa@Saldo.pl ')).toBe('email:ewa@saldo.pl');
    expect(accountIdentity(undefined, undefined)).toBeUndefined();
  });
});
