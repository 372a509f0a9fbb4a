import { PassThrough } from 'node:stream';
import { runCli } from '../../bin/cli.ts';

/**
 * Runs the CLI in this process with these variables added to the environment (each command line builds
 * its settings and CSMART client from it); answers the exit code and what it printed.
 */
export async function runCliWith(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c) => (chunks.out += c));
  err.on('data', (c) => (chunks.err += c));
  try {
    const code = await runCli(args, { out, err, env: process.env });
    return { code, ...chunks };
  } finally {
    process.env = saved;
  }
}
