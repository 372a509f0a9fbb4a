import { describe, expect, it } from 'vitest';
import { accountOf, planFor, problemsOf } from './lead.ts';

describe('lead validation', () => {
  it('answers 422 naming email when the e-mail is not an address', () => {
    expect(problemsOf(() => planFor({ email: 'jan(at)example.pl' }))).toEqual([
      { code: 'email_invalid', field: 'email', message: 'email must be an e-mail address such as name@example.com.' },
    ]);
  });

  it('answers 422 naming nip when the NIP checksum is wrong', () => {
    expect(problemsOf(() => planFor({ email: 'a@b.pl', nip: '123-456-32-19' }))).toEqual([
      { code: 'nip_checksum', field: 'nip', message: 'nip is not a valid NIP: its check digit does not match.' },
    ]);
  });

  it('answers 422 naming nip when the NIP does not have 10 digits', () => {
    expect(problemsOf(() => planFor({ email: 'a@b.pl', nip: '123-456' }))).toMatchObject([{ code: 'nip_invalid', field: 'nip' }]);
  });

  it('answers 422 naming postal_code when a Polish postal code is malformed', () => {
    expect(problemsOf(() => planFor({ email: 'a@b.pl', postal_code: '0-950', country: 'Polska' }))).toEqual([
      { code: 'postal_code_invalid', field: 'postal_code', message: 'postal_code must be a Polish postal code such as 00-950.' },
    ]);
  });

  it('accepts another country\'s postal code as sent', () => {
    expect(accountOf(planFor({ email: 'a@b.pl', postal_code: '10115', country: 'Deutschland' })).fields.postal_code).toBe('10115');
  });

  it('answers 422 naming phone when the phone has letters', () => {
    expect(problemsOf(() => planFor({ phone: 'zadzwoń po 16' }))).toMatchObject([{ code: 'phone_invalid', field: 'phone' }]);
  });

  it('answers 422 naming email when neither e-mail nor phone was sent (the default requirement)', () => {
    expect(problemsOf(() => planFor({ company: 'ACME', message: 'Hej' }))).toEqual([
      { code: 'required', field: 'email', message: 'email or phone is required.' },
    ]);
  });

  it('accepts a phone alone under the default requirement', () => {
    expect(accountOf(planFor({ phone: '600123456' })).fields.phone_mobile).toBe('+48600123456');
  });

  it('answers 422 naming each field the form requires', () => {
    expect(problemsOf(() => planFor({ email: 'a@b.pl' }, { required: ['company', ['nip', 'city']] }))).toEqual([
      { code: 'required', field: 'company', message: 'company is required.' },
      { code: 'required', field: 'nip', message: 'nip or city is required.' },
    ]);
  });

  it('answers 422 consent_required when a required consent is not ticked', () => {
    expect(problemsOf(() => planFor({ email: 'a@b.pl', consent_rodo: '0' }, { required: [['email', 'phone'], 'consent_rodo'] }))).toEqual([
      { code: 'consent_required', field: 'consent_rodo', message: 'consent_rodo must be ticked.' },
    ]);
  });

  it('answers 422 consent_required when a required consent is absent', () => {
    expect(problemsOf(() => planFor({ email: 'a@b.pl' }, { required: ['consent_rodo'] }))).toMatchObject([{ code: 'consent_required', field: 'consent_rodo' }]);
  });

  it('reports every problem at once, and an invalid e-mail is not also "required"', () => {
    const problems = problemsOf(() => planFor({ email: 'nope', nip: '1234567890', postal_code: 'abc' }, { required: [['email', 'phone'], 'consent_rodo'] }));

    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['email', 'email_invalid'],
      ['nip', 'nip_checksum'],
      ['postal_code', 'postal_code_invalid'],
      ['consent_rodo', 'consent_required'],
    ]);
  });
});

describe('tolerant lead validation (form builders that cannot show the visitor an error)', () => {
  const gravity = { preset: 'gravityforms' };

  it('keeps the lead, leaving an unusable phone, NIP and postal code out of their fields and noting them as sent', () => {
    const account = accountOf(planFor({ email: 'Jan@Example.PL', phone: '600 123 456 wew. 12', nip: 'NIP: 7770001111', postal_code: '0-950', city: 'Łódź' }, gravity));

    expect(account.fields).toMatchObject({ email: 'jan@example.pl', city: 'Łódź' });
    expect(account.fields).not.toHaveProperty('phone_mobile');
    expect(account.fields).not.toHaveProperty('phone_office');
    expect(account.fields).not.toHaveProperty('nip');
    expect(account.fields).not.toHaveProperty('postal_code');
    expect(account.match).toEqual({ email: 'jan@example.pl' });
    expect(account.fields.description).toContain('Not usable as sent (check by hand):\n- phone: 600 123 456 wew. 12\n- nip: NIP: 7770001111\n- postal_code: 0-950');
  });

  it('keeps the lead on its phone when the e-mail is unusable', () => {
    const account = accountOf(planFor({ email: 'jan(at)example.pl', phone: '600 123 456' }, { preset: 'wpforms' }));

    expect(account.fields).toMatchObject({ phone_mobile: '+48600123456' });
    expect(account.fields).not.toHaveProperty('email');
    expect(account.fields.description).toContain('- email: jan(at)example.pl');
  });

  it('still answers 422 as today, naming every field at fault, when neither the e-mail nor the phone is usable', () => {
    const problems = problemsOf(() => planFor({ email: 'jan(at)example.pl', phone: 'zadzwoń po 16', nip: '1234567890', consent_rodo: 'on' }, { preset: 'cf7', required: ['consent_rodo'] }));

    expect(problems.map((p) => [p.field, p.code])).toEqual([['email', 'email_invalid'], ['phone', 'phone_invalid'], ['nip', 'nip_checksum']]);
  });

  it('still answers 422 naming a required field whose only value is unusable', () => {
    const problems = problemsOf(() => planFor({ email: 'a@b.pl', nip: '123-456' }, { ...gravity, required: ['email', 'nip'] }));

    expect(problems).toMatchObject([{ code: 'nip_invalid', field: 'nip' }]);
  });

  it('keeps strict validation for Elementor, which shows the visitor the error', () => {
    expect(problemsOf(() => planFor({ email: 'a@b.pl', phone: '600 123 456 wew. 12' }, { preset: 'elementor' }))).toMatchObject([{ code: 'phone_invalid', field: 'phone' }]);
  });
});
