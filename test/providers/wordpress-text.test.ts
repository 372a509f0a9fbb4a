import { describe, expect, it } from 'vitest';
import { sanitizeTextField, specialcharsDecode } from '../../lib/providers/woocommerce/wordpress-text.ts';

/** The key WooCommerce signs with after the webhook form was saved again: decode(sanitize(secret)). */
const resavedKey = (secret: string) => specialcharsDecode(sanitizeTextField(secret));

// Expected values are what WordPress's own functions (PHP 8.2) return for the same input.
describe('WordPress text functions as a webhook secret meets them', () => {
  it.each([
    ['drops a tag and a percent-encoded octet, then collapses the space left', 'Zq7<d>%a1  R{s;', 'Zq7 R{s;'],
    ['trims, strips a tag with attributes and an octet', ' lead-in space, [a] <b c=1> %2Fpath end ', 'lead-in space, [a] path end'],
    ['keeps a lone < (escaped, then decoded back)', 'x<y&amp;z', 'x<y&z'],
    ['strips <?…?> and <!--…-->', 'wc<?tail?>end|a<!-- c -->b', 'wcend|ab'],
    ['removes octets that removing others forms', 'aa%%b1b1cc', 'aacc'],
    ['turns tabs and line breaks into one space', 'Tab\tand\nnewline', 'Tab and newline'],
    ['leaves an ordinary secret alone', 'plain-secret_!@#$^*()[]{}~`+=,.;:/?|', 'plain-secret_!@#$^*()[]{}~`+=,.;:/?|'],
  ])('%s', (_, secret, key) => {
    expect(resavedKey(secret)).toBe(key);
  });

  it('keeps a < followed by white space, which strip_tags does not read as a tag', () => {
    expect(sanitizeTextField('a < b > c')).toBe('a < b > c');
  });

  it('strips an unclosed <? to the end, as strip_tags does', () => {
    expect(sanitizeTextField('k<?x(>y?>z')).toBe('k');
  });

  it('decodes entities in one pass, zero-padded numbers included', () => {
    expect(specialcharsDecode('&amp;lt; &#0060; &#x27; &quot; &nbsp;')).toBe('&lt; < \' " &nbsp;');
  });
});
