import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { WebhookSettingsError, defaultSettings, parseSourceSettings, settingsSchemaFor } from '../../lib/providers/index.ts';

function configError(act: () => unknown): WebhookSettingsError {
  try {
    act();
  } catch (error) {
    if (error instanceof WebhookSettingsError) return error;
    throw error;
  }
  throw new Error('expected a WebhookSettingsError');
}

describe('per-source settings', () => {
  it('fills every default when nothing is configured', () => {
    expect(defaultSettings('calendly')).toEqual({
      openStatus: 'nowe',
      closedStatus: 'zamknięte',
      taskType: undefined,
      toleranceSeconds: 180,
      accountSource: undefined,
      fieldMap: {},
      formFieldMaps: {},
      nipMetaKey: '_billing_nip',
      opportunityStatus: undefined,
      opportunitySource: undefined,
      enrich: 'fill-empty',
      lead: {},
      deliverTestLeads: false,
      verifyToken: undefined,
    });
    expect(parseSourceSettings('calendly', undefined)).toEqual(defaultSettings('calendly'));
  });

  it('gives Standard Webhooks sources a ±300 s tolerance and Calendly 3 minutes', () => {
    expect(defaultSettings('my-shop').toleranceSeconds).toBe(300);
    expect(defaultSettings('calendly').toleranceSeconds).toBe(180);
  });

  it('takes configured values and trims text', () => {
    const settings = parseSourceSettings('woocommerce', { nipMetaKey: ' _vat_nip ', opportunityStatus: 'Nowe zamówienie' });

    expect(settings).toMatchObject({ nipMetaKey: '_vat_nip', opportunityStatus: 'Nowe zamówienie' });
  });

  it('names a misspelt setting instead of ignoring it', () => {
    const error = configError(() => parseSourceSettings('calendly', { closedStatu: 'anulowane' }));

    expect(error.code).toBe('invalid_settings');
    expect(error.message).toContain('closedStatu');
    expect(error.problems).toEqual([expect.objectContaining({ code: 'unknown_field', field: 'closedStatu' })]);
  });

  it('names a setting of the wrong type or range', () => {
    expect(configError(() => parseSourceSettings('calendly', { toleranceSeconds: '3m' })).message).toContain('toleranceSeconds');
    expect(configError(() => parseSourceSettings('my-shop', { toleranceSeconds: 0 })).problems[0]).toMatchObject({ field: 'toleranceSeconds' });
    expect(configError(() => parseSourceSettings('calcom', { closedStatus: '  ' })).problems[0]).toMatchObject({ field: 'closedStatus' });
  });

  it('names a Typeform ref mapped to a field CSMART does not have', () => {
    const error = configError(() => parseSourceSettings('typeform', { formFieldMaps: { lT4Z3j: { company: 'company_name' } } }));

    expect(error.problems[0]).toMatchObject({ field: 'formFieldMaps.lT4Z3j.company' });
  });

  it('rejects settings that belong to another sender', () => {
    expect(configError(() => parseSourceSettings('my-shop', { nipMetaKey: '_nip' })).problems[0]).toMatchObject({ field: 'nipMetaKey' });
    expect(configError(() => parseSourceSettings('typeform', { toleranceSeconds: 60 })).problems[0]).toMatchObject({ field: 'toleranceSeconds' });
  });

  it('rejects a value that is not an object', () => {
    expect(configError(() => parseSourceSettings('calcom', 'zamknięte')).problems[0]).toMatchObject({ field: 'settings' });
  });

  it('exports each schema for the caller to use with valibot directly', () => {
    const result = v.safeParse(settingsSchemaFor('typeform'), { fieldMap: { company: 'name' } });

    expect(result.success && result.output.fieldMap).toEqual({ company: 'name' });
  });
});
