import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExportSnapshotStoreError } from './errors.ts';
import type { ObjectLocation, SnapshotStore, VersionedObject } from './snapshot-store.ts';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function versionOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * A directory used as a snapshot store (`csmart export --to DIR`). Writes go to a temporary file that is
 * renamed into place, so a reader never sees half a file. `putIfAbsent` is atomic (O_EXCL); the
 * compare-and-swap operations are not (read, compare, rename): two processes racing to take over the
 * same expired lock in one directory could both win. That is acceptable for a hand-run CLI target.
 */
export function createLocalSnapshotStore(directory: string): SnapshotStore {
  const root = resolve(directory);

  function pathOf(key: string): string {
    const path = resolve(root, ...key.split('/'));
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new ExportSnapshotStoreError(`The key "${key}" lies outside the export directory.`);
    return path;
  }

  async function writeAtomically(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}.partial`;
    try {
      await write(temporary);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async function getVersioned(key: string): Promise<VersionedObject | undefined> {
    try {
      const body = await readFile(pathOf(key));
      return { body, version: versionOf(body) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  return {
    kind: 'local',
    describe: (key) => pathOf(key),
    locate: (key): ObjectLocation => ({ bucket: root, key }),

    async put(key, body) {
      const path = pathOf(key);
      let bytes = 0;
      await writeAtomically(path, async (temporary) => {
        if (Buffer.isBuffer(body)) {
          await writeFile(temporary, body);
          bytes = body.length;
          return;
        }
        const count = new Transform({
          transform(chunk: Buffer, _encoding, done) { bytes += chunk.length; done(null, chunk); },
        });
        await pipeline(body, count, createWriteStream(temporary));
      });
      return { bytes };
    },

    async get(key) {
      return (await getVersioned(key))?.body;
    },

    async getStream(key) {
      const path = pathOf(key);
      const stream = createReadStream(path);
      try {
        // Open before answering, so a missing file is `undefined` rather than a stream error later.
        await new Promise<void>((done, fail) => { stream.once('open', () => done()); stream.once('error', fail); });
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      return stream;
    },

    getVersioned,

    async putIfAbsent(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      try {
        await writeFile(path, body, { flag: 'wx' });
        return versionOf(body);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
        throw error;
      }
    },

    async putIfMatch(key, body, _contentType, version) {
      const current = await getVersioned(key);
      if (current?.version !== version) return undefined;
      await writeAtomically(pathOf(key), (temporary) => writeFile(temporary, body));
      return versionOf(body);
    },

    async deleteIfMatch(key, version) {
      const current = await getVersioned(key);
      if (current?.version !== version) return false;
      await rm(pathOf(key), { force: true });
      return true;
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },

    async listFolders(folder) {
      const path = folder === '' ? root : pathOf(folder);
      try {
        const entries = await readdir(path, { withFileTypes: true });
        return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
  };
}
