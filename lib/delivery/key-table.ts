/**
 * A hash table from 53-bit integer keys to slot numbers, in two typed arrays (open addressing, linear
 * probing): 12 bytes per place and no object per entry, where a Map costs about 40 bytes per entry
 * and keeps a heap number for each key above 2^31.
 */
export class KeyTable {
  #keys: Float64Array;
  #slots: Int32Array;
  #size = 0;

  constructor(capacity = 1024) {
    this.#keys = new Float64Array(capacity);
    this.#slots = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** The slot stored under `key` (a non-negative safe integer), or undefined. */
  get(key: number): number | undefined {
    const stored = key + 1; // 0 marks an empty place
    const mask = this.#keys.length - 1;
    for (let at = KeyTable.#start(key, mask); ; at = (at + 1) & mask) {
      const k = this.#keys[at]!;
      if (k === stored) return this.#slots[at];
      if (k === 0) return undefined;
    }
  }

  /** Stores (or replaces) the slot under `key`. */
  set(key: number, slot: number): void {
    // Grown at three quarters full: linear probing stays short, and the arrays stay a third smaller than at half.
    if ((this.#size + 1) * 4 > this.#keys.length * 3) this.#grow();
    const stored = key + 1;
    const mask = this.#keys.length - 1;
    for (let at = KeyTable.#start(key, mask); ; at = (at + 1) & mask) {
      const k = this.#keys[at]!;
      if (k === stored || k === 0) {
        if (k === 0) this.#size++;
        this.#keys[at] = stored;
        this.#slots[at] = slot;
        return;
      }
    }
  }

  static #start(key: number, mask: number): number {
    // The low 32 bits mixed: keys are hashes already, but ids are small consecutive numbers.
    return Math.imul((key % 4294967296) | 0, 0x9e3779b1) >>> 0 & mask;
  }

  #grow(): void {
    const keys = this.#keys;
    const slots = this.#slots;
    this.#keys = new Float64Array(keys.length * 2);
    this.#slots = new Int32Array(keys.length * 2);
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.set(keys[i]! - 1, slots[i]!);
  }
}
