import { GetParameterCommand, GetParametersByPathCommand, GetParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localSsmClient, startLocalSsm } from '../../emulators/ssm.ts';
import type { LocalSsm } from '../../emulators/ssm.ts';

describe('local SSM server (test support)', () => {
  let ssm: LocalSsm;
  let client: SSMClient;

  beforeEach(async () => {
    ssm = await startLocalSsm({ '/csmart/test/domain': 'acme', '/csmart/test/email': 'ops@acme.pl', '/csmart/test/secrets/calendly': 'whsec' });
    client = localSsmClient(ssm.endpoint);
  });

  afterEach(async () => {
    client.destroy();
    await ssm.close();
  });

  it('listens on loopback', () => {
    expect(ssm.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers GetParameters with values and the names it does not hold', async () => {
    const answer = await client.send(new GetParametersCommand({ Names: ['/csmart/test/domain', '/csmart/test/nope'], WithDecryption: true }));

    expect(answer.Parameters?.map((p) => [p.Name, p.Value, p.Type])).toEqual([['/csmart/test/domain', 'acme', 'SecureString']]);
    expect(answer.InvalidParameters).toEqual(['/csmart/test/nope']);
    expect(ssm.calls.GetParameters).toBe(1);
  });

  it('hides SecureString values unless decryption is asked for', async () => {
    const answer = await client.send(new GetParametersCommand({ Names: ['/csmart/test/domain'] }));

    expect(answer.Parameters?.[0]?.Value).not.toBe('acme');
  });

  it('answers GetParameter, and ParameterNotFound for an unknown name', async () => {
    const found = await client.send(new GetParameterCommand({ Name: '/csmart/test/email', WithDecryption: true }));
    const missing = client.send(new GetParameterCommand({ Name: '/csmart/test/nope' }));

    expect(found.Parameter?.Value).toBe('ops@acme.pl');
    await expect(missing).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  it('lists a path, recursively only when asked', async () => {
    const flat = await client.send(new GetParametersByPathCommand({ Path: '/csmart/test', WithDecryption: true }));
    const deep = await client.send(new GetParametersByPathCommand({ Path: '/csmart/test/', Recursive: true, WithDecryption: true }));

    expect(flat.Parameters?.map((p) => p.Name)).toEqual(['/csmart/test/domain', '/csmart/test/email']);
    expect(deep.Parameters?.map((p) => p.Name)).toContain('/csmart/test/secrets/calendly');
  });

  it('stores PutParameter, refusing to overwrite unless told to', async () => {
    await client.send(new PutParameterCommand({ Name: '/csmart/test/password', Value: 'hasło', Type: 'SecureString' }));
    const again = client.send(new PutParameterCommand({ Name: '/csmart/test/password', Value: 'nowe', Type: 'SecureString' }));
    await expect(again).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    const overwritten = await client.send(new PutParameterCommand({ Name: '/csmart/test/password', Value: 'nowe', Overwrite: true }));

    expect(overwritten.Version).toBe(2);
    expect(ssm.params['/csmart/test/password']).toBe('nowe');
  });

  it('fails the next n requests with a 500, then recovers', async () => {
    ssm.failNext(1);

    await expect(client.send(new GetParametersCommand({ Names: ['/csmart/test/domain'] }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    await expect(client.send(new GetParametersCommand({ Names: ['/csmart/test/domain'] }))).resolves.toBeDefined();
  });

  it('throttles every request while failAll is on', async () => {
    ssm.failAll('throttling');

    await expect(client.send(new GetParametersCommand({ Names: ['/csmart/test/domain'] }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    ssm.failAll(false);
    await expect(client.send(new GetParametersCommand({ Names: ['/csmart/test/domain'] }))).resolves.toBeDefined();
    expect(ssm.calls.GetParameters).toBe(2);
  });
});
