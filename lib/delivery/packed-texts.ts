import { bufferOf, sharedPages, wordsOf } from '../memory/shared-pages.ts';

/**
 * Short texts packed as UTF-8 into large buffers, each group of texts addressed by one number. A JS string
 * costs a heap object of 16+ bytes plus two bytes per character once it holds a Polish letter; here a
 * text costs its UTF-8 bytes and one length byte. The buffers are allocated once each, never grown or
 * copied, and in shared memory (`sharedPages`): neither left with malloc nor counted against V8's heap limits.
 */
const CHUNK_BYTES = 1024 * 1024;
/** Address space reserved for `TextAddresses` (only the pages used count): 1 GiB, far more clients than the chunks hold. */
const MAX_SLOTS = 2 ** 28;
const MAX_CHUNKS = 1023;
/** A length byte: 0–252 the length itself; these three mark the rest. */
const ABSENT = 253;
const LONG = 254;

export class PackedTexts {
  /** The chunks in use (the first `#inUse`), then those kept from before `clear()` for the next texts. */
  readonly #chunks: Buffer[] = [];
  #inUse = 0;
  #chunk: Buffer | undefined;
  #used = 0;

  /** Stores the texts together and returns their address (`undefined` entries come back as `undefined`). */
  add(texts: readonly (string | undefined)[]): number {
    let bytes = 0;
    for (const text of texts) bytes += text === undefined ? 1 : Buffer.byteLength(text, 'utf8') + 5;
    if (this.#chunk === undefined || this.#used + bytes > this.#chunk.length) {
      // An address is a chunk's number times 4 MB plus the offset: it stays below 2^32 (`TextAddresses`).
      if (this.#inUse >= MAX_CHUNKS) throw new RangeError(`PackedTexts: more than ${MAX_CHUNKS} chunks of texts`);
      const kept = this.#chunks[this.#inUse];
      if (kept !== undefined && bytes <= kept.length) {
        this.#chunk = kept;
      } else {
        this.#chunk = bufferOf(sharedPages(Math.max(CHUNK_BYTES, bytes)));
        this.#chunks.splice(this.#inUse, 0, this.#chunk);
      }
      this.#inUse++;
      this.#used = 0;
    }
    const chunk = this.#chunk;
    const address = (this.#inUse - 1) * CHUNK_BYTES * 4 + this.#used;
    let at = this.#used;
    for (const text of texts) {
      if (text === undefined) {
        chunk[at++] = ABSENT;
        continue;
      }
      const length = Buffer.byteLength(text, 'utf8');
      if (length < ABSENT) {
        chunk[at++] = length;
      } else {
        chunk[at++] = LONG;
        chunk.writeUInt32LE(length, at);
        at += 4;
      }
      at += chunk.write(text, at, 'utf8');
    }
    this.#used = at;
    // A chunk of its own for a text longer than a chunk: nothing else goes in after it.
    if (chunk.length > CHUNK_BYTES) this.#chunk = undefined;
    return address;
  }

  /**
   * Forgets every text and keeps the chunks for the next ones: texts stored again go into the same memory,
   * instead of new chunks the allocator hands out while the old ones wait for a GC (and then keeps).
   */
  clear(): void {
    this.#inUse = 0;
    this.#chunk = undefined;
    this.#used = 0;
  }

  /** The `count` texts stored at `address`. */
  get(address: number, count: number): (string | undefined)[] {
    const chunk = this.#chunks[Math.floor(address / (CHUNK_BYTES * 4))]!;
    let at = address % (CHUNK_BYTES * 4);
    const out: (string | undefined)[] = [];
    for (let i = 0; i < count; i++) {
      let length = chunk[at++]!;
      if (length === ABSENT) {
        out.push(undefined);
        continue;
      }
      if (length === LONG) {
        length = chunk.readUInt32LE(at);
        at += 4;
      }
      out.push(chunk.toString('utf8', at, at + length));
      at += length;
    }
    return out;
  }

  /** Whether the first text stored at `address` is `text` (compared as bytes, without decoding). */
  firstIs(address: number, text: string): boolean {
    const chunk = this.#chunks[Math.floor(address / (CHUNK_BYTES * 4))]!;
    let at = address % (CHUNK_BYTES * 4);
    let length = chunk[at++]!;
    if (length === ABSENT) return false;
    if (length === LONG) {
      length = chunk.readUInt32LE(at);
      at += 4;
    }
    return length === Buffer.byteLength(text, 'utf8') && chunk.toString('utf8', at, at + length) === text;
  }

  /** Bytes reserved (for the bench). */
  get reservedBytes(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }
}

/**
 * The addresses of `PackedTexts` by slot, in a typed array grown by half: outside the JavaScript heap,
 * so a directory being built does not carry a growing array through every scavenge of the young generation.
 * Four bytes a slot (an address is below 2^32: `PackedTexts` refuses a 1,024th chunk), and grown by half, not
 * doubled: 1.8 MB for 300,000 clients instead of 4.2 MB as 8-byte numbers.
 */
export class TextAddresses {
  /** Grows in place (`sharedPages`): no copy, and no old array left with the allocator. */
  readonly #buffer = sharedPages(4 * 1024, 4 * MAX_SLOTS);
  /** Made again as the buffer grows (`wordsOf`). */
  #addresses = wordsOf(this.#buffer);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Forgets every address and keeps the array for the next ones. */
  clear(): void {
    this.#length = 0;
  }

  /** Bytes its array has grown to (for the tests). */
  get bytes(): number {
    return this.#buffer.byteLength;
  }

  at(slot: number): number {
    return this.#addresses[slot]!;
  }

  /** Sets the address of a slot (past the end: the array grows to hold it, never drops the write). */
  set(slot: number, address: number): void {
    if (slot >= this.#addresses.length) {
      if (slot >= MAX_SLOTS) throw new RangeError(`TextAddresses: more than ${MAX_SLOTS} slots`);
      this.#buffer.grow(Math.min(MAX_SLOTS, Math.max(Math.ceil(this.#addresses.length * 1.5), slot + 1)) * 4);
      this.#addresses = wordsOf(this.#buffer);
    }
    this.#addresses[slot] = address;
    if (slot >= this.#length) this.#length = slot + 1;
  }
}
