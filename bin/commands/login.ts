import type { CsmartClient } from '../../lib/csmart/client.ts';
import { type CliIo, println } from '../cli-io.ts';

export const loginHelp = 'login                          check the credentials; prints the domain, never the token';

export async function login(client: CsmartClient, io: CliIo): Promise<number> {
  const { domain } = await client.login();
  println(io.out, `Logged in to CSMART domain "${domain}".`);
  return 0;
}
