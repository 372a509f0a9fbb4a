import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../lib/mapping/email.ts';
import { isNipChecksumValid, normaliseNip } from '../../lib/mapping/nip.ts';
import { isMobile, normalisePhone, POLISH_MOBILE_PREFIXES } from '../../lib/mapping/phone.ts';
import { normalisePostalCode } from '../../lib/mapping/postal-code.ts';

describe('normaliseNip', () => {
  it('accepts a valid NIP', () => {
    expect(normaliseNip('1234563218')).toEqual({ ok: true, value: '1234563218' });
  });

  it('strips the PL prefix, spaces, dashes and dots', () => {
    expect(['PL1234563218', 'pl 123-456-32-18', '123 456 32 18', '123.456.32.18', 'PL-526-000-12-46'].map((n) => normaliseNip(n))).toEqual([
      { ok: true, value: '1234563218' },
      { ok: true, value: '1234563218' },
      { ok: true, value: '1234563218' },
      { ok: true, value: '1234563218' },
      { ok: true, value: '5260001246' },
    ]);
  });

  it('refuses a NIP whose check digit is wrong', () => {
    expect(normaliseNip('123-456-32-19')).toMatchObject({ ok: false, code: 'nip_checksum' });
  });

  it('refuses every NIP whose weighted sum leaves 10, whatever its last digit', () => {
    // 1·6+2·5+3·7+4·2+5·3+6·4+7·5+8·6+9·7 = 230, and 230 mod 11 = 10.
    for (let last = 0; last <= 9; last++) expect(isNipChecksumValid(`123456789${last}`)).toBe(false);
  });

  it('refuses a NIP that is not 10 digits', () => {
    expect(['123456321', '12345632189', 'DE123456789', '12345x3218'].map((n) => normaliseNip(n).ok)).toEqual([false, false, false, false]);
    expect(normaliseNip('123456321')).toMatchObject({ code: 'nip_invalid' });
  });
});

describe('normaliseEmail', () => {
  it.each([
    ['jan.kowalski@example.pl', 'jan.kowalski@example.pl'],
    ['  Jan+oferty@Example.COM.pl ', 'jan+oferty@example.com.pl'],
    ['biuro@sklep-łódź.pl', 'biuro@sklep-łódź.pl'],
    ["o'brien@example.ie", "o'brien@example.ie"],
  ])('accepts %s', (input, expected) => {
    expect(normaliseEmail(input)).toEqual({ ok: true, value: expected });
  });

  it.each([['jan'], ['jan@'], ['@example.pl'], ['jan@example'], ['jan kowalski@example.pl'], ['jan..k@example.pl'], ['jan@example..pl'], ['jan@-example.pl'], ['jan@example.p'], ['jan@@example.pl'], ['"jan"@example.pl']])('refuses %s with a clear message', (input) => {
    expect(normaliseEmail(input)).toEqual({ ok: false, code: 'email_invalid', message: 'email must be an e-mail address such as name@example.com.' });
  });
});

describe('normalisePostalCode', () => {
  it.each([['00-950', '00-950'], ['00950', '00-950'], [' 31 - 042 ', '31-042']])('normalises the Polish code %s', (input, expected) => {
    expect(normalisePostalCode(input, 'Polska')).toEqual({ ok: true, value: expected });
  });

  it.each([[undefined], [''], ['PL'], ['pl'], ['Polska'], ['Poland']])('checks Polish codes when the country is %s', (country) => {
    expect(normalisePostalCode('0095', country)).toMatchObject({ ok: false, code: 'postal_code_invalid' });
  });

  it('keeps another country\'s code as sent', () => {
    expect(normalisePostalCode('SW1A 1AA', 'United Kingdom')).toEqual({ ok: true, value: 'SW1A 1AA' });
  });
});

describe('normalisePhone', () => {
  it.each([
    ['600 123 456', '+48600123456'],
    ['600-123-456', '+48600123456'],
    ['(22) 123 45 67', '+48221234567'],
    ['+48 600 123 456', '+48600123456'],
    ['(+48) 600-123-456', '+48600123456'],
    ['0048600123456', '+48600123456'],
    ['48600123456', '+48600123456'],
    ['+49 30 1234567', '+49301234567'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['1234567', '1234567'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalisePhone(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['+48 (0) 600 123 456', '+48600123456'],
    ['(+48) (0) 22 123 45 67', '+48221234567'],
    ['+44 (0) 20 7946 0958', '+442079460958'],
    ['(0-22) 123 45 67', '+48221234567'],
    ['022 123 45 67', '+48221234567'],
    ['0 600 123 456', '+48600123456'],
    ['+48 0 600 123 456', '+48600123456'],
    ['0048 600 123 456', '+48600123456'],
    ['+48 22 123 45 67', '+48221234567'],
    ['(22) 123-45-67', '+48221234567'],
  ])('drops a trunk 0 written after a country code or before a Polish area code: %s → %s', (input, expected) => {
    expect(normalisePhone(input)).toEqual({ ok: true, value: expected });
  });

  it.each([['600 123 456 wew. 12'], ['12345'], ['+1234567890123456'], ['tel: 600123456'], ['6001+23456']])('refuses %s', (input) => {
    expect(normalisePhone(input)).toMatchObject({ ok: false, code: 'phone_invalid' });
  });

  it('tells Polish mobile numbers from landlines', () => {
    expect(isMobile('+48600123456', POLISH_MOBILE_PREFIXES)).toBe(true);
    expect(isMobile('+48221234567', POLISH_MOBILE_PREFIXES)).toBe(false);
    expect(isMobile('+4915112345678', POLISH_MOBILE_PREFIXES)).toBe(false);
  });
});
