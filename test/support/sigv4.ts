import { createHash, createHmac } from 'node:crypto';

/** A request as a server received it: method, path, raw header pairs, body bytes. */
export type ReceivedRequest = { method: string; path: string; rawHeaders: string[]; body: Buffer };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Checks a request's AWS Signature Version 4 as AWS does, written here from the published algorithm (not with
 * the signer the client uses): the canonical request rebuilt from what arrived, the signing key derived from
 * the secret. Answers what was signed, or throws naming what does not match.
 */
export function verifySigV4(request: ReceivedRequest, secretAccessKey: string): { accessKeyId: string; scope: string; signedHeaders: string[] } {
  const headers = new Map<string, string[]>();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), request.rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ')]);
  }
  const authorization = headers.get('authorization')?.[0] ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) throw new Error(`not a SigV4 Authorization header: ${authorization}`);
  const [, accessKeyId, date, region, service, signedList, signature] = match as unknown as [string, string, string, string, string, string, string];
  const signedHeaders = signedList.split(';');
  for (const required of ['host', 'x-amz-date']) if (!signedHeaders.includes(required)) throw new Error(`${required} is not signed`);
  const amzDate = headers.get('x-amz-date')?.[0] ?? '';
  if (!amzDate.startsWith(date)) throw new Error(`x-amz-date ${amzDate} is not of the credential's day ${date}`);

  const [path, query = ''] = request.path.split('?') as [string, string?];
  const canonicalQuery = query.split('&').filter(Boolean).sort().join('&');
  const canonicalHeaders = signedHeaders.map((name) => {
    const values = headers.get(name);
    if (!values) throw new Error(`signed header ${name} did not arrive`);
    return `${name}:${values.join(',')}\n`;
  }).join('');
  const bodyHash = sha256(request.body);
  const claimed = headers.get('x-amz-content-sha256')?.[0];
  if (claimed && claimed !== bodyHash) throw new Error('x-amz-content-sha256 is not the hash of the body');
  const canonicalRequest = [request.method, path, canonicalQuery, canonicalHeaders, signedList, bodyHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== signature) throw new Error('the signature does not match the request');
  return { accessKeyId, scope, signedHeaders };
}
