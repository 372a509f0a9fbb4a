import { describe, expect, it } from 'vitest';
import { FormSettingsError } from '../../lib/mapping/errors.ts';
import { DEFAULT_FORM_SETTINGS, isOriginAllowed, parseFormSettings } from '../../lib/mapping/form-settings.ts';
import { thrown } from '../support/thrown.ts';

const settingsError = (json: unknown) => thrown(FormSettingsError, () => parseFormSettings('contact', json));

describe('parseFormSettings', () => {
  it('fills in the defaults for an empty object', () => {
    const settings = parseFormSettings('contact', {});

    expect(settings).toMatchObject({
      mapping: {},
      defaults: {},
      required: [['email', 'phone']],
      followUps: {},
      allowedOrigins: [],
      honeypot: '_gotcha',
      minSecondsToSubmit: 3,
      matchPolicy: 'keep',
      turnstile: { enabled: false },
      typeValues: { company: 'firma', person: 'osoba' },
      recordConsentsNotGiven: true,
    });
  });

  it('reads the JSON text of an SSM parameter', () => {
    expect(parseFormSettings('contact', '{"matchPolicy": "update", "defaults": {"source": "WWW", "payment_days": 14}}')).toMatchObject({ matchPolicy: 'update', defaults: { source: 'WWW', payment_days: '14' } });
  });

  it('fills in a follow-up task\'s defaults', () => {
    expect(parseFormSettings('contact', { followUps: { task: {} } }).followUps.task).toEqual({ name: 'Contact the lead: {name}', time: '09:00', durationMinutes: 30, holidays: 'PL' });
  });

  it('names the form and the setting when an origin is not https', () => {
    const error = settingsError({ allowedOrigins: ['https://www.example.pl', 'http://www.example.pl'] });

    expect(error.message).toBe('forms/contact: allowedOrigins[1] must be an https origin such as https://www.example.pl (no path)');
    expect(error).toMatchObject({ code: 'form_settings_invalid', form: 'contact', setting: 'allowedOrigins[1]' });
  });

  it('accepts http origins on the local machine, for the local stack', () => {
    expect(parseFormSettings('contact', { allowedOrigins: ['http://localhost:3000', 'https://WWW.Example.pl/'] }).allowedOrigins).toEqual(['http://localhost:3000', 'https://www.example.pl']);
  });

  it('names a misspelt setting', () => {
    expect(settingsError({ minSecondToSubmit: 5 }).message).toBe('forms/contact: minSecondToSubmit is not a known setting');
  });

  it('names a default that is not a CSMART Accounts field', () => {
    expect(settingsError({ defaults: { opiekun: 'Jan' } }).message).toBe('forms/contact: defaults.opiekun is not a field of CSMART Accounts');
  });

  it('names a mapping whose target is not a lead field', () => {
    expect(settingsError({ mapping: { 'Imię': 'firstname' } }).setting).toBe('mapping["Imię"]');
  });

  it('names a follow-up template with an unknown placeholder', () => {
    expect(settingsError({ followUps: { task: { name: 'Call {client}' } } }).message).toBe('forms/contact: followUps.task.name uses an unknown placeholder {client}');
  });

  it('names a task that would end after midnight', () => {
    expect(settingsError({ followUps: { task: { time: '23:45', durationMinutes: 30 } } }).setting).toBe('followUps.task.durationMinutes');
  });

  it('names a required entry that is not a lead field', () => {
    expect(settingsError({ required: ['email', ['phone', 'fax']] }).setting).toBe('required[1][1]');
  });

  it('names every setting at fault', () => {
    const error = settingsError({ matchPolicy: 'merge', thankYouUrl: '/dziekujemy', minSecondsToSubmit: -1 });

    expect(error.problems.map((p) => p.setting).sort()).toEqual(['matchPolicy', 'minSecondsToSubmit', 'thankYouUrl']);
  });

  it('says so when the JSON text is broken', () => {
    expect(settingsError('{"honeypot": ').message).toBe('forms/contact: the settings are not valid JSON');
  });

  it('refuses a value that is not an object', () => {
    expect(settingsError(['email']).message).toBe('forms/contact: must be a JSON object of form settings');
  });
});

describe('the default form', () => {
  it('creates a follow-up task so every enquiry reaches someone', () => {
    expect(DEFAULT_FORM_SETTINGS.followUps.task?.name).toBe('Contact the lead: {name}');
  });

  it('cannot be changed by accident', () => {
    expect(() => {
      (DEFAULT_FORM_SETTINGS.allowedOrigins as string[]).push('https://evil.example');
    }).toThrow(TypeError);
  });
});

describe('isOriginAllowed', () => {
  const settings = parseFormSettings('contact', { allowedOrigins: ['https://www.example.pl'] });

  it('allows a listed origin, whatever its case', () => {
    expect(isOriginAllowed(settings, 'https://WWW.example.pl')).toBe(true);
  });

  it('refuses an origin that is not listed', () => {
    expect(isOriginAllowed(settings, 'https://spam.example')).toBe(false);
  });

  it('allows any origin when none are listed, and requests without an Origin', () => {
    expect([isOriginAllowed(DEFAULT_FORM_SETTINGS, 'https://spam.example'), isOriginAllowed(settings, undefined)]).toEqual([true, true]);
  });
});
