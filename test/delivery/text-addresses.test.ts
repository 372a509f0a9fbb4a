import { describe, expect, it } from 'vitest';
import { PackedTexts, TextAddresses } from '../../lib/delivery/packed-texts.ts';

describe('TextAddresses', () => {
  it('keeps every slot\'s address as it grows past its first capacity, and lets a slot be set again', () => {
    const texts = new PackedTexts();
    const slots = new TextAddresses();
    for (let slot = 0; slot < 5_000; slot++) slots.set(slot, texts.add([String(slot), `Klient ${slot} — Łódź`]));
    slots.set(17, texts.add(['17', 'Nowa nazwa']));
    expect(slots.length).toBe(5_000);
    expect(texts.get(slots.at(0), 2)).toEqual(['0', 'Klient 0 — Łódź']);
    expect(texts.get(slots.at(4_999), 2)).toEqual(['4999', 'Klient 4999 — Łódź']);
    expect(texts.get(slots.at(17), 2)).toEqual(['17', 'Nowa nazwa']);
    // A slot far past the end is kept, not silently dropped by the typed array.
    slots.set(20_000, texts.add(['20000', 'Daleko']));
    expect(slots.length).toBe(20_001);
    expect(texts.get(slots.at(20_000), 2)).toEqual(['20000', 'Daleko']);
  });

  it('grows by half, and keeps every address as it grows', () => {
    const slots = new TextAddresses();
    for (let slot = 0; slot < 1_000_000; slot++) slots.set(slot, slot);
    // Grown by half from 1,024 places: at most half again as many as used, 4 bytes each.
    expect(slots.bytes).toBeGreaterThan(4 * 1_000_000);
    expect(slots.bytes).toBeLessThan(4 * 1_500_000);
    expect([slots.at(0), slots.at(512_000), slots.at(999_999), slots.length]).toEqual([0, 512_000, 999_999, 1_000_000]);
  });
});
