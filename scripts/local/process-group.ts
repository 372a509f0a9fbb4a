import type { ChildProcess } from 'node:child_process';

/**
 * A detached child leads its own process group; signalling the group (a negative pid) reaches every
 * process it started too, such as serverless offline's esbuild service and worker processes.
 */

/** Ends a detached child's whole process group: SIGINT (offline halts cleanly), then SIGKILL for anything left. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()));
  signalGroup(pgid, 'SIGINT');
  const inTime = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!inTime) signalGroup(pgid, 'SIGKILL');
  await exited;
  // The leader is gone; helpers left in its group (esbuild's service lingers ~2 s by itself) are ended now.
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGTERM');
  for (let waited = 0; groupAlive(pgid) && waited < 1000; waited += 50) await delay(50);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  for (let waited = 0; groupAlive(pgid) && waited < 2000; waited += 50) await delay(50);
}

/** Whether any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals every process of the group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
