import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let child: ChildProcessWithoutNullStreams | undefined;
let directory: string | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

/** Starts `npm run sandbox` (tsx sandbox/main.ts) and waits for the line with the credentials. */
async function startMain(env: Record<string, string>): Promise<{ output: () => string; env: Map<string, string> }> {
  // tsx as a loader in this very process (not its CLI, which runs the script in a child of its own), so killing it stops the sandbox.
  child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], { cwd: ROOT, env: { ...process.env, ...env } });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const ready = new Promise<string>((resolve, reject) => {
    child!.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((text) => text.startsWith('CSMART_API_URL='));
      if (line) resolve(line);
    });
    child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  const line = await ready;
  const pairs = line.trim().split(' ').map((pair) => pair.split('=') as [string, string]);
  return { output: () => output, env: new Map(pairs) };
}

describe('npm run sandbox', () => {
  it('prints the endpoint and demo credentials as env lines that log in, and stops cleanly on SIGTERM', async () => {
    directory = mkdtempSync(join(tmpdir(), 'sandbox-main-'));
    const dataFile = join(directory, 'store.json');
    const { env } = await startMain({ SANDBOX_PORT: '0', SANDBOX_DATA_FILE: dataFile });

    expect([...env.keys()]).toEqual(['CSMART_API_URL', 'CSMART_DOMAIN', 'CSMART_EMAIL', 'CSMART_PASSWORD']);
    expect(env.get('CSMART_API_URL')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/app\/api\.php$/);
    const hash = (await import('node:crypto')).createHash('sha1').update(env.get('CSMART_PASSWORD')!).digest('hex');
    const response = await fetch(`${env.get('CSMART_API_URL')}?module=Login`, {
      method: 'POST',
      body: new URLSearchParams({ domain: env.get('CSMART_DOMAIN')!, email: env.get('CSMART_EMAIL')!, hash }),
    });
    expect(JSON.parse(await response.text())).toMatchObject({ error: '', data: { domain: 'demo' } });

    child!.kill('SIGTERM');
    const [code] = await once(child!, 'exit');

    expect(code).toBe(0);
    expect(existsSync(dataFile)).toBe(true);
  });

  it('keeps data in memory only when SANDBOX_DATA_FILE is empty', async () => {
    const { output } = await startMain({ SANDBOX_PORT: '0', SANDBOX_DATA_FILE: '' });

    expect(output()).toContain('in memory only');
  });
});
