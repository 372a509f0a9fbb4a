import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSecretValue, splitSecrets } from '../../lib/providers/index.ts';
import { PRINTABLE } from '../support/printable.ts';

const printableSecret = fc.string({ unit: fc.constantFrom(...PRINTABLE), minLength: 1, maxLength: 64 }).filter((s) => s.trim() !== '');

describe('stored secret values', () => {
  it('read a single secret made of every printable character as exactly that secret', () => {
    expect(parseSecretValue(PRINTABLE)).toContain(PRINTABLE);
    expect(parseSecretValue('a b,c "d" =e= \'f\'')).toContain('a b,c "d" =e= \'f\'');
  });

  it('read any printable single secret as itself, never as pieces of it', () => {
    fc.assert(fc.property(printableSecret, (secret) => {
      const read = parseSecretValue(secret);
      expect(read).toContain(secret);
      // Every other candidate is the trimmed value (today's reading) or, for a JSON-looking value, its elements.
      for (const other of read) if (other !== secret && other !== secret.trim()) expect(secret.trimStart().startsWith('[')).toBe(true);
    }));
  });

  it('read several printable secrets stored one per line, with \\n or \\r\\n', () => {
    fc.assert(fc.property(fc.uniqueArray(printableSecret, { minLength: 2, maxLength: 4 }), fc.constantFrom('\n', '\r\n'), (secrets, eol) => {
      expect(parseSecretValue(secrets.join(eol) + eol)).toEqual(secrets);
    }));
  });

  it('read several printable secrets stored as a JSON array', () => {
    fc.assert(fc.property(fc.uniqueArray(printableSecret, { minLength: 1, maxLength: 4 }), (secrets) => {
      const stored = JSON.stringify(secrets, null, secrets.length > 2 ? 2 : undefined);
      expect(parseSecretValue(stored).slice(0, secrets.length)).toEqual(secrets);
    }));
  });

  it('still read today\'s space-separated Standard Webhooks rotation values', () => {
    expect(parseSecretValue('whsec_b2xk whsec_bmV3')).toEqual(expect.arrayContaining(['whsec_b2xk', 'whsec_bmV3']));
    expect(splitSecrets(['whsec_b2xk,whsec_bmV3', ''])).toEqual(expect.arrayContaining(['whsec_b2xk', 'whsec_bmV3']));
  });

  it('do not split a secret with spaces and commas that is not a list of whsec_ secrets', () => {
    expect(parseSecretValue('old-key, new-key')).toEqual(['old-key, new-key']);
  });
});

describe('a blank stored value', () => {
  it('holds no secret, so the source counts as not configured', () => {
    expect([parseSecretValue('   '), parseSecretValue('\n \n'), splitSecrets(['', ' '])]).toEqual([[], [], []]);
  });
});
