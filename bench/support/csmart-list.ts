import { sha1Hex } from '../../lib/config/credentials.ts';
import type { Credentials } from '../../lib/csmart/client.ts';
import { encodeForm, FORM_CONTENT_TYPE } from '../../lib/csmart/form-encoding.ts';
import type { ModuleName } from '../../lib/csmart/modules.ts';
import { DEMO_USER } from '../../sandbox/server.ts';

/** The sandbox's demo user as the CSMART client takes it. */
export function demoCredentials(endpoint: string): Credentials {
  return { endpoint, domain: DEMO_USER.domain, email: DEMO_USER.email, hash: sha1Hex(DEMO_USER.password) };
}

/** A List answer's bytes exactly as the sandbox sent them, by a bare login and a bare fetch (no client code). */
export async function fetchListBytes(endpoint: string, module: ModuleName): Promise<Buffer> {
  const credentials = demoCredentials(endpoint);
  const post = async (url: string, fields: Record<string, string>) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': FORM_CONTENT_TYPE }, body: encodeForm(fields) });
    return Buffer.from(await response.arrayBuffer());
  };
  const login = await post(`${endpoint}?module=Login`, { domain: credentials.domain, email: credentials.email, hash: credentials.hash });
  const { token } = (JSON.parse(withoutBom(login.toString('utf8'))) as { data: { token: string } }).data;
  return post(`${endpoint}?module=${module}&action=List`, { domain: credentials.domain, token });
}

/** The text a PHP service sends may start with a UTF-8 byte-order mark, which JSON.parse refuses. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
