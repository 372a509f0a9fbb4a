/** Keys are 48-bit non-negative integers (`keyHash`): the high 16 bits and the low 32 are stored apart. */
export const KEY_BITS = 48;
const LOW = 2 ** 32;
/** Grown at three quarters full, by half: linear probing stays short, and a table is 50–75% full. */
const MAX_LOAD = 0.75;
const GROWTH = 1.5;

/**
 * A hash table from 48-bit integer keys to slot numbers, in three typed arrays (open addressing, linear
 * probing): 10 bytes per place and no object per entry, where a Map costs about 40 bytes per entry
 * and keeps a heap number for each key above 2^31. Its size is not a power of two: growing by half
 * instead of doubling keeps it 50–75% full, not 37–75% (measured with the account directory: 1,000,000
 * clients' four tables took 100 MB at 12 bytes a place and doubling, 60 MB now).
 */
export class KeyTable {
  #low: Uint32Array<ArrayBuffer>;
  #high: Uint16Array<ArrayBuffer>;
  /** The slot plus one: 0 marks an empty place. */
  #slots: Int32Array<ArrayBuffer>;
  #size = 0;

  constructor(capacity = 1024) {
    const places = Math.max(4, Math.ceil(capacity));
    this.#low = new Uint32Array(places);
    this.#high = new Uint16Array(places);
    this.#slots = new Int32Array(places);
  }

  /** Removes every key and keeps the places for the next ones. */
  clear(): void {
    this.#slots.fill(0);
    this.#size = 0;
  }

  get size(): number {
    return this.#size;
  }

  /** Places in the arrays, used or not. */
  get places(): number {
    return this.#slots.length;
  }

  /** The slot stored under `key` (a non-negative integer below 2^48), or undefined. */
  get(key: number): number | undefined {
    const low = key % LOW;
    const high = Math.floor(key / LOW);
    const places = this.#slots.length;
    for (let at = KeyTable.#start(low, places); ; at = at + 1 === places ? 0 : at + 1) {
      const slot = this.#slots[at]!;
      if (slot === 0) return undefined;
      if (this.#low[at] === low && this.#high[at] === high) return slot - 1;
    }
  }

  /** Stores (or replaces) the slot under `key`. */
  set(key: number, slot: number): void {
    if (!(key >= 0 && key < 2 ** KEY_BITS && Number.isInteger(key))) throw new RangeError(`KeyTable: ${key} is not a ${KEY_BITS}-bit key`);
    if (this.#size + 1 > this.#slots.length * MAX_LOAD) this.#grow();
    this.#put(key % LOW, Math.floor(key / LOW), slot + 1);
  }

  #put(low: number, high: number, stored: number): void {
    const places = this.#slots.length;
    for (let at = KeyTable.#start(low, places); ; at = at + 1 === places ? 0 : at + 1) {
      const slot = this.#slots[at]!;
      if (slot === 0) this.#size++;
      else if (this.#low[at] !== low || this.#high[at] !== high) continue;
      this.#low[at] = low;
      this.#high[at] = high;
      this.#slots[at] = stored;
      return;
    }
  }

  /** Where a key's probe starts: its low 32 bits mixed (ids are small consecutive numbers), scaled to the size. */
  static #start(low: number, places: number): number {
    const mixed = Math.imul(low | 0, 0x9e3779b1) >>> 0;
    return Math.min(places - 1, Math.floor((mixed / LOW) * places));
  }

  #grow(): void {
    const low = this.#low;
    const high = this.#high;
    const slots = this.#slots;
    const places = Math.ceil(slots.length * GROWTH);
    this.#low = new Uint32Array(places);
    this.#high = new Uint16Array(places);
    this.#slots = new Int32Array(places);
    this.#size = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) this.#put(low[i]!, high[i]!, slots[i]!);
    releaseNow(low, high, slots);
  }
}

/**
 * Frees arrays' memory at once (by detaching their buffers) instead of when V8 next collects the objects that hold
 * them: a growing table's old arrays otherwise stay allocated until then (bench/list: the worker's peak with
 * 1,000,000 clients fell from 247 MB to 221–224 MB).
 */
function releaseNow(...arrays: Array<{ readonly buffer: ArrayBuffer }>): void {
  for (const array of arrays) array.buffer.transfer(0);
}
