import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoreSnapshot } from './store.ts';

/** Reads a data file written by `FilePersistence`; undefined when there is none yet. */
export function readSnapshot(file: string): StoreSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<StoreSnapshot>;
  if (parsed.version !== 1 || typeof parsed.domains !== 'object' || parsed.domains === null) {
    throw new Error(`${file} is not a sandbox data file (version 1)`);
  }
  return parsed as StoreSnapshot;
}

/**
 * Writes the store to a file after every change, atomically (temporary file + rename), so a crash never
 * leaves half a file. Changes that arrive while a write runs share the next write (group commit):
 * a burst of 1,000 saves costs a few writes, not 1,000.
 */
export class FilePersistence {
  private readonly file: string;
  private readonly snapshot: () => StoreSnapshot;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private sequence = 0;

  constructor(file: string, snapshot: () => StoreSnapshot) {
    this.file = file;
    this.snapshot = snapshot;
    mkdirSync(dirname(file), { recursive: true });
  }

  /** Asks for a write that includes every change made so far; resolves once it is on disk. */
  request(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.running ?? Promise.resolve();
    const next = previous
      .then(() => {
        // From here on, later changes need a write of their own.
        this.queued = undefined;
        return this.write();
      })
      .catch((error: unknown) => console.error(`sandbox: could not write ${this.file}: ${(error as Error).message}`));
    this.queued = next;
    this.running = next;
    void next.then(() => { if (this.running === next) this.running = undefined; });
    return next;
  }

  /** Resolves when every requested write has finished. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async write(): Promise<void> {
    const temporary = `${this.file}.${process.pid}.${++this.sequence}.tmp`;
    await writeFile(temporary, JSON.stringify(this.snapshot()));
    await rename(temporary, this.file);
  }
}
