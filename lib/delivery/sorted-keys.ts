import { sharedPages, wordsOf } from '../memory/shared-pages.ts';

/** Which 32-bit word of a little- or big-endian 64-bit number is its high one (the sort reads them as 64-bit numbers). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;
/** Address space reserved for the keys (not memory: pages are used as they grow): 134 million keys. */
const RESERVED_BYTES = 2 ** 30;
/** The slot's bits to begin with (1,024 slots); one more each time a slot needs it. */
const FIRST_SLOT_RANGE = 2 ** 10;
/** The hash's part of a key's low word, whose lowest bits (below `range`) hold the slot. */
const hashPart = (low: number, range: number) => low - (low % range);
/** A key added once sealed, in the small map. */
const laterKey = (hi: number, lo: number) => `${hi}:${lo}`;

/**
 * One kind of key (id, NIP, e-mail or phone, as a 64-bit hash in two 32-bit halves) → slot. Each key is one 64-bit
 * number: the hash's high bits, and the slot in as many low bits as the largest slot so far needs (one more bit as
 * slots pass each power of two: the keys stored are rewritten then, a few times in all). While a List streams, keys
 * are appended; when it ends, `seal` sorts them natively: 8 bytes a key (room grown ahead is never written, so it takes
 * no memory: `sharedPages`), where a hash table kept 50–75% full took 13–20 (the directory's four kinds of keys: 9.6 MB for 300,000 clients instead of 18 MB,
 * 32 MB for 1,000,000 instead of 61 MB). A key looked up is found by binary search.
 *
 * Giving the slot its bits leaves 64 − ⌈log2 slots⌉ bits of the hash: a lookup names a wrong client with a chance of
 * about n / 2^(64 − log2 n) (9·10^-9 for 300,000 clients, 6·10^-8 for 1,000,000). Among equal keys the largest slot
 * wins: the client listed last, as the List is oldest first. Keys added once sealed (a client this process saved) go
 * to a small map, read first.
 */
export class SortedKeys {
  /** Grows in place (`sharedPages`): growing by copies into new arrays left old ones with the allocator. */
  readonly #buffer = sharedPages(8 * 1024, RESERVED_BYTES);
  /** Two words a key; made again as the buffer grows (`wordsOf`). */
  #words = wordsOf(this.#buffer);
  #count = 0;
  #sealed = false;
  /** 2^(bits the slot takes). */
  #slotRange = FIRST_SLOT_RANGE;
  readonly #later = new Map<string, number>();

  get size(): number {
    return this.#count + this.#later.size;
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  /** Bytes its array has grown to (for the tests). */
  get bytes(): number {
    return this.#buffer.byteLength;
  }

  /** Stores `slot` (below 2^32) under the key; a key stored again later wins. */
  add(hi: number, lo: number, slot: number): void {
    if (this.#sealed) {
      this.#later.set(laterKey(hi, lo), slot);
      return;
    }
    while (slot >= this.#slotRange) this.#widenSlots();
    let words = this.#words;
    if ((this.#count + 1) * 2 > words.length) {
      const bytes = Math.min(RESERVED_BYTES, Math.max(this.#count + 1, Math.ceil(this.#count * 1.5)) * 8);
      if (bytes < (this.#count + 1) * 8) throw new RangeError(`SortedKeys: more than ${RESERVED_BYTES / 8} keys`);
      this.#buffer.grow(bytes);
      words = this.#words = wordsOf(this.#buffer);
    }
    const at = this.#count++ * 2;
    words[at + HI] = hi;
    words[at + LO] = hashPart(lo, this.#slotRange) + slot;
  }

  /** One more bit for the slot, taken from the hash's lowest: every key stored keeps its slot, under one bit less. */
  #widenSlots(): void {
    const words = this.#words;
    const range = this.#slotRange;
    const wider = range * 2;
    for (let i = 0; i < this.#count; i++) {
      const lo = words[i * 2 + LO]!;
      words[i * 2 + LO] = hashPart(lo, wider) + (lo % range);
    }
    this.#slotRange = wider;
  }

  /** Sorts the keys: from now on keys are looked up, and keys added go to the small map. */
  seal(): void {
    if (this.#sealed) return;
    new BigUint64Array(this.#buffer, 0, this.#count).sort();
    this.#sealed = true;
  }

  /** The slot stored under the key, or undefined. Only once sealed. */
  get(hi: number, lo: number): number | undefined {
    if (!this.#sealed) throw new Error('SortedKeys: looked up before it was sealed');
    const later = this.#later.size === 0 ? undefined : this.#later.get(laterKey(hi, lo));
    if (later !== undefined) return later;
    const words = this.#words;
    const range = this.#slotRange;
    const key = hashPart(lo, range);
    // The last entry whose key is at most the one looked up (equal keys sit together, their slots ascending).
    let low = 0;
    let high = this.#count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const h = words[middle * 2 + HI]!;
      const l = words[middle * 2 + LO]!;
      if (h < hi || (h === hi && hashPart(l, range) <= key)) low = middle + 1;
      else high = middle;
    }
    if (low === 0) return undefined;
    const h = words[(low - 1) * 2 + HI]!;
    const l = words[(low - 1) * 2 + LO]!;
    return h === hi && hashPart(l, range) === key ? l % range : undefined;
  }

  /** Once sealed, the slots of each key stored more than once (ascending): few, so listed rather than kept. */
  *repeated(): Generator<number[]> {
    if (!this.#sealed) throw new Error('SortedKeys: read before it was sealed');
    const words = this.#words;
    const range = this.#slotRange;
    const lowKey = (i: number) => hashPart(words[i * 2 + LO]!, range);
    for (let i = 0; i + 1 < this.#count;) {
      let end = i + 1;
      while (end < this.#count && words[end * 2 + HI] === words[i * 2 + HI] && lowKey(end) === lowKey(i)) end++;
      if (end - i > 1) yield Array.from({ length: end - i }, (_, k) => words[(i + k) * 2 + LO]! % range);
      i = end;
    }
  }

  /** Forgets every key and keeps the buffer for the next ones. */
  clear(): void {
    this.#count = 0;
    this.#sealed = false;
    this.#slotRange = FIRST_SLOT_RANGE;
    this.#later.clear();
  }
}
