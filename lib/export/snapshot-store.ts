import type { Readable } from 'node:stream';

/** Where an object lives, as change events reference it: S3 bucket and key (local stores: the directory). */
export type ObjectLocation = { bucket: string; key: string };

/** An object's bytes and an opaque version for conditional writes (the S3 ETag; a content hash locally). */
export type VersionedObject = { body: Buffer; version: string };

/**
 * Where snapshots are kept: an S3 bucket or a local directory. Keys are `/`-separated and relative to
 * the store's root.
 *
 * Contract relied on by the export: `put` replaces an object atomically when its body ends — readers
 * see the old object until then (S3 completes the upload; the local store renames a finished file).
 */
export interface SnapshotStore {
  readonly kind: 's3' | 'local';
  /** A human-readable address of a key (`s3://bucket/key`, or a file path). */
  describe(key: string): string;
  locate(key: string): ObjectLocation;
  /** Stores a body, streamed when it is a Readable. Resolves with the number of bytes stored. */
  put(key: string, body: Readable | Buffer, contentType: string): Promise<{ bytes: number }>;
  get(key: string): Promise<Buffer | undefined>;
  getStream(key: string): Promise<Readable | undefined>;
  getVersioned(key: string): Promise<VersionedObject | undefined>;
  /** Creates the object only when no object has the key. Resolves with its version, or undefined when one exists. */
  putIfAbsent(key: string, body: Buffer, contentType: string): Promise<string | undefined>;
  /** Replaces the object only while it is still at `version`. Resolves with the new version, or undefined. */
  putIfMatch(key: string, body: Buffer, contentType: string, version: string): Promise<string | undefined>;
  /** Deletes the object only while it is still at `version`. */
  deleteIfMatch(key: string, version: string): Promise<boolean>;
  /** Deletes an object; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** Names of the immediate sub-folders of a folder (`dt=2026-03-01`, …), in no particular order. */
  listFolders(folder: string): Promise<string[]>;
}
