import { describe, expect, it } from 'vitest';
import { CALENDLY_SETTINGS, isValidSourceName, providerFor, settingsSchemaFor, STANDARD_SETTINGS } from '../../lib/providers/index.ts';

describe('webhook source names', () => {
  it.each(['calendly', 'my-shop', '0', 'a'.repeat(64)])('accepts %s', (name) => {
    expect(isValidSourceName(name)).toBe(true);
  });

  it.each(['', '-shop', 'My-Shop', 'shop_1', 'a'.repeat(65), 'shop/1', '..', 'sklep-ł'])('rejects %j', (name) => {
    expect(isValidSourceName(name)).toBe(false);
  });

  it('picks the named adapters, and Standard Webhooks for any other valid name', () => {
    expect(['calendly', 'calcom', 'typeform', 'woocommerce', 'my-shop'].map((name) => providerFor(name).name))
      .toEqual(['calendly', 'calcom', 'typeform', 'woocommerce', 'standard']);
  });

  it("reads each source's settings schema from its adapter in the one registry", () => {
    expect(providerFor('calendly').settings).toBe(CALENDLY_SETTINGS);
    expect(providerFor('my-shop').settings).toBe(STANDARD_SETTINGS);
    expect(settingsSchemaFor('calendly')).toBe(CALENDLY_SETTINGS);
    expect(settingsSchemaFor('my-shop')).toBe(STANDARD_SETTINGS);
  });

  it('refuses to pick an adapter for an invalid name', () => {
    expect(() => providerFor('../calendly')).toThrow(RangeError);
  });
});
