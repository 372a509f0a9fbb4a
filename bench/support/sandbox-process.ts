import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';

export type SandboxProcess = { url: string; adminUrl: string; child: ChildProcess; stats(): Promise<Record<string, number>>; stop(): Promise<void> };

/** Starts the sandbox in its own process, so its CPU time is not counted as the client's. */
export async function startSandboxProcess(env: Record<string, string> = {}): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_DATA_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /CSMART sandbox: (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  const adminUrl = url.replace(/\/app\/api\.php$/, '/__admin');
  return {
    url,
    adminUrl,
    child,
    /** Read on a connection of its own (not fetch's pool), so counting connections does not disturb them; it adds one itself. */
    stats() {
      return new Promise<Record<string, number>>((resolve, reject) => {
        get(`${adminUrl}/stats`, { agent: false }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve(JSON.parse(body) as Record<string, number>));
        }).on('error', reject);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
