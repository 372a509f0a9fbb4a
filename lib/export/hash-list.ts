import { bufferOf, bytesOf, grownPages, sharedPages, wordsOf } from '../memory/shared-pages.ts';
import { HASH_BYTES, type ContentHash, type ContentHashKind } from './record-hash.ts';

/** A list's arrays reserve room for this many times the records it starts with: address space only, until written. */
const RESERVED_GROWTH = 16;

type Part = 'ids' | 'ends' | 'hashes';

/**
 * Ids and content hashes of a snapshot's records in NDJSON line order (line n is position n), kept in
 * typed arrays: the ids' UTF-8 bytes end to end with their end offsets, and each line's hash (8 bytes of
 * XXH64; 20 of SHA-1 in an index written before it). About 19 bytes per record (for ids of 7 digits)
 * instead of two JavaScript strings and two array slots (~90 bytes), and no object per record for the
 * garbage collector to trace. Ids and hashes become strings only for the few records that changed
 * (`idAt`, `hashAt`).
 */
export class HashList {
  /** The hash its records carry. */
  readonly kind: ContentHashKind;
  readonly #hashBytes: number;
  #ids: Buffer;
  #ends: Uint32Array;
  #hashes: Uint8Array;
  #count = 0;
  #idBytes = 0;
  /**
   * The arrays' memory (`sharedPages`), grown in place as records come: no copy, nothing outgrown left behind,
   * and none of it counted against V8's heap limits, so a night's list schedules no full GC as it grows
   * (bench/export). None for the parts of a decoded index, which are views of the file's bytes.
   */
  readonly #pages: Partial<Record<Part, SharedArrayBuffer>> = {};

  constructor(kind: ContentHashKind, capacity = 1024) {
    this.kind = kind;
    this.#hashBytes = HASH_BYTES[kind];
    const records = Math.max(16, capacity);
    this.#ids = bufferOf(this.#reserve('ids', records * 8));
    this.#ends = wordsOf(this.#reserve('ends', records * 4));
    this.#hashes = bytesOf(this.#reserve('hashes', records * this.#hashBytes));
  }

  /** A list over arrays already filled (a decoded index): `ends[i]` is where id i ends in `ids`. */
  static over(kind: ContentHashKind, ids: Buffer, ends: Uint32Array, hashes: Uint8Array, count: number): HashList {
    const list = new HashList(kind, 0);
    list.#ids = ids;
    list.#ends = ends;
    list.#hashes = hashes;
    list.#count = count;
    list.#idBytes = count > 0 ? ends[count - 1]! : 0;
    list.#pages.ids = undefined;
    list.#pages.ends = undefined;
    list.#pages.hashes = undefined;
    return list;
  }

  /** A list from ids and base64url hashes of a kind (an index of the earlier JSON format, tests). A hash of another length or not base64url reads as zeros: it equals no real hash. */
  static of(kind: ContentHashKind, ids: readonly string[], hashes: readonly string[]): HashList {
    const list = new HashList(kind, ids.length);
    const size = HASH_BYTES[kind];
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < ids.length; i++) {
      const text = hashes[i] ?? '';
      bytes.fill(0);
      if (text.length === Math.ceil((size * 4) / 3) && /^[A-Za-z0-9_-]+$/.test(text)) bytes.write(text, 'base64url');
      list.push(ids[i]!, bytes);
    }
    return list;
  }

  get count(): number {
    return this.#count;
  }

  /** Records it holds before its arrays grow. */
  get capacity(): number {
    return this.#ends.length;
  }

  /** Adds a record: its id and the hash of its NDJSON line's bytes, by a hasher of this list's kind. */
  add(id: string, line: Uint8Array, hasher: ContentHash): void {
    if (hasher.kind !== this.kind) throw new Error(`HashList: a ${hasher.kind} hash added to a list of ${this.kind}`);
    const at = this.#append(id);
    hasher.into(line, this.#hashes, at * this.#hashBytes);
  }

  /** Adds a record with its hash already computed. */
  push(id: string, hashBytes: Uint8Array): void {
    const at = this.#append(id);
    this.#hashes.set(hashBytes.subarray(0, this.#hashBytes), at * this.#hashBytes);
  }

  /** The id at a position. */
  idAt(i: number): string {
    return this.#ids.toString('utf8', this.#start(i), this.#ends[i]);
  }

  /** The content hash at a position as the change events' ids are made of it: base64url. */
  hashAt(i: number): string {
    return Buffer.from(this.#hashes.buffer, this.#hashes.byteOffset + i * this.#hashBytes, this.#hashBytes).toString('base64url');
  }

  /** Whether the record at `i` has the same content hash as the one at `j` of `other` (a list of the same kind). */
  sameHash(i: number, other: HashList, j: number): boolean {
    const a = this.#hashes;
    const b = other.#hashes;
    const size = this.#hashBytes;
    const x = i * size;
    const y = j * size;
    for (let k = 0; k < size; k++) if (a[x + k] !== b[y + k]) return false;
    return true;
  }

  /** Whether the id at `i` equals the id at `j` of `other`, compared as bytes. */
  sameId(i: number, other: HashList, j: number): boolean {
    return this.compareIds(i, other, j) === 0;
  }

  /** The order of the id at `i` against the id at `j` of `other`: by length, then byte by byte (negative, 0, positive). */
  compareIds(i: number, other: HashList, j: number): number {
    const from = this.#start(i);
    const length = this.#ends[i]! - from;
    const otherFrom = other.#start(j);
    const otherLength = other.#ends[j]! - otherFrom;
    if (length !== otherLength) return length - otherLength;
    const a = this.#ids;
    const b = other.#ids;
    for (let k = 0; k < length; k++) if (a[from + k] !== b[otherFrom + k]) return a[from + k]! - b[otherFrom + k]!;
    return 0;
  }

  /** A 32-bit FNV-1a hash of the id's bytes at `i`, for the diff's table. */
  idHash(i: number): number {
    let h = 0x811c9dc5;
    const ids = this.#ids;
    for (let k = this.#start(i), end = this.#ends[i]!; k < end; k++) h = Math.imul(h ^ ids[k]!, 0x01000193);
    return h >>> 0;
  }

  /** Every id, as strings (tests and small tools; the export never turns the whole list into strings). */
  allIds(): string[] {
    return Array.from({ length: this.#count }, (_, i) => this.idAt(i));
  }

  /** Every hash as base64url (tests and small tools). */
  allHashes(): string[] {
    return Array.from({ length: this.#count }, (_, i) => this.hashAt(i));
  }

  /** The filled parts of the three arrays (views, not copies), for encoding. */
  parts(): { ids: Buffer; ends: Uint32Array; hashes: Uint8Array } {
    return {
      ids: this.#ids.subarray(0, this.#idBytes),
      ends: this.#ends.subarray(0, this.#count),
      hashes: this.#hashes.subarray(0, this.#count * this.#hashBytes),
    };
  }

  #start(i: number): number {
    return i === 0 ? 0 : this.#ends[i - 1]!;
  }

  /** Appends the id's bytes and its end; answers the record's position. */
  #append(id: string): number {
    const at = this.#count;
    if (at === this.#ends.length) this.#growRecords();
    if (this.#idBytes + id.length * 3 > this.#ids.length) this.#growIds(id.length * 3);
    let offset = this.#idBytes;
    // Ids are nearly always ASCII digits: copied by char code (measured 5× cheaper than Buffer#write per id).
    let ascii = true;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      this.#ids[offset + k] = c;
    }
    offset += ascii ? id.length : this.#ids.write(id, offset, 'utf8');
    this.#idBytes = offset;
    this.#ends[at] = offset;
    this.#count = at + 1;
    return at;
  }

  #growRecords(): void {
    const capacity = Math.ceil(this.#ends.length * 1.5);
    this.#ends = wordsOf(this.#grow('ends', this.#ends, capacity * 4));
    this.#hashes = bytesOf(this.#grow('hashes', this.#hashes, capacity * this.#hashBytes));
  }

  #growIds(room: number): void {
    this.#ids = bufferOf(this.#grow('ids', this.#ids, Math.max(Math.ceil(this.#ids.length * 1.5), this.#idBytes + room)));
  }

  #reserve(part: Part, bytes: number): SharedArrayBuffer {
    const pages = sharedPages(bytes, bytes * RESERVED_GROWTH);
    this.#pages[part] = pages;
    return pages;
  }

  /** The part's pages grown to `bytes`; a decoded index's part is first copied into pages of this list's own. */
  #grow(part: Part, array: Uint8Array | Uint32Array, bytes: number): SharedArrayBuffer {
    const own = this.#pages[part];
    if (own) return (this.#pages[part] = grownPages(own, bytes));
    const pages = this.#reserve(part, bytes);
    new Uint8Array(pages).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return pages;
  }
}

/**
 * The capacity to start a night's list with: yesterday's count and a little more, so that the usual night never
 * grows it. Measured before the arrays were shared pages, when each growth was a new allocation and a copy: with
 * 300,000 records (nine next nights each, Lambda's flags for 1,024 MB) the export's peak RSS was 0.90–1.48× the JSON
 * (middle 1.04×) sized so, 1.02–1.52× (middle 1.40×) grown from 65,536 records, and the whole run's CPU was no higher
 * (bench/export at 300k: 1.31× of its baseline, against 1.37× the run before).
 */
export function hashListCapacity(expected: number | undefined): number {
  return expected === undefined ? 64 * 1024 : Math.ceil(expected * 1.02) + 1024;
}
