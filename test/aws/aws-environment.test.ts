import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leanAwsFrom, type LeanAws } from '../../lib/aws/aws-environment.ts';

// A home without ~/.aws, so a developer's own files do not change the answers.
const home = mkdtempSync(join(tmpdir(), 'lean-aws-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const LAMBDA = { HOME: home, AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };

async function lean(env: Record<string, string>): Promise<LeanAws> {
  const aws = await leanAwsFrom(env);
  if ('sdk' in aws) throw new Error(`expected the lean client, got the SDK: ${aws.sdk}`);
  return aws;
}

describe('when the lean client serves, and where it sends', () => {
  it('serves with the environment Lambda gives a function: its credentials, session token and region', async () => {
    const aws = await lean(LAMBDA);
    expect(aws.credentials).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(aws.region).toBe('eu-central-1');
    expect(aws.maxAttempts).toBe(3);
    expect(aws.endpointOf('SQS').href).toBe('https://sqs.eu-central-1.amazonaws.com/');
    expect(aws.isConfigured('SQS')).toBe(false);
  });

  it.each(['eu-central-1', 'us-east-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1'])('builds the endpoints the SDK resolves for %s', async (region) => {
    const aws = await lean({ ...LAMBDA, AWS_REGION: region });
    const params = { Region: region, UseFIPS: false, UseDualStack: false };
    const sqs = new SQSClient({ region }).config.endpointProvider(params);
    const ssm = new SSMClient({ region }).config.endpointProvider(params);
    expect(aws.endpointOf('SQS').href).toBe(sqs.url.href);
    expect(aws.endpointOf('SSM').href).toBe(ssm.url.href);
  });

  it('honours AWS_ENDPOINT_URL_<SERVICE> before AWS_ENDPOINT_URL, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', async () => {
    const both = await lean({ ...LAMBDA, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4001', AWS_ENDPOINT_URL: 'http://127.0.0.1:4000' });
    expect(both.endpointOf('SQS').href).toBe('http://127.0.0.1:4001/');
    expect(both.endpointOf('SSM').href).toBe('http://127.0.0.1:4000/');
    expect(both.isConfigured('SSM')).toBe(true);
    const ignored = await lean({ ...LAMBDA, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4001', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' });
    expect(ignored.endpointOf('SQS').href).toBe('https://sqs.eu-central-1.amazonaws.com/');
    expect(ignored.isConfigured('SQS')).toBe(false);
    const notIgnored = await lean({ ...LAMBDA, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4001', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' });
    expect(notIgnored.endpointOf('SQS').href).toBe('http://127.0.0.1:4001/');
    expect((await lean({ ...LAMBDA, AWS_MAX_ATTEMPTS: '1' })).maxAttempts).toBe(1);
  });

  it.each([
    ['AWS_PROFILE is set (the SDK then skips the environment credentials)', { AWS_PROFILE: 'dev' }],
    ['no secret key', { AWS_SECRET_ACCESS_KEY: '' }],
    ['no region', { AWS_REGION: '' }],
    ['FIPS endpoints', { AWS_USE_FIPS_ENDPOINT: 'true' }],
    ['dual-stack endpoints', { AWS_USE_DUALSTACK_ENDPOINT: 'true' }],
    ['adaptive retries', { AWS_RETRY_MODE: 'adaptive' }],
    ['an unreadable AWS_MAX_ATTEMPTS', { AWS_MAX_ATTEMPTS: 'lots' }],
    ['an endpoint that is not a URL', { AWS_ENDPOINT_URL_SSM: 'localhost:4583' }],
    ['an isolated partition', { AWS_REGION: 'us-iso-east-1' }],
  ])('leaves the call to the SDK with %s', async (_, change) => {
    const aws = await leanAwsFrom({ ...LAMBDA, ...change });
    expect(aws).toHaveProperty('sdk');
  });

  it('reads the default profile of a shared config or credentials file, and leaves the call to the SDK if it sets an endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lean-aws-files-'));
    try {
      // New files each time: the SDK's loader caches a file's text by its path for the process's life.
      let n = 0;
      const files = (config: string, credentials: string) => {
        n += 1;
        writeFileSync(join(dir, `config-${n}`), config);
        writeFileSync(join(dir, `credentials-${n}`), credentials);
        return { AWS_CONFIG_FILE: join(dir, `config-${n}`), AWS_SHARED_CREDENTIALS_FILE: join(dir, `credentials-${n}`) };
      };
      const keys = '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file\n';
      // The environment's credentials and region come first for the SDK too: the files change nothing here.
      expect((await lean({ ...LAMBDA, ...files('[default]\nregion = eu-west-1\noutput = json\n', keys) })).credentials.accessKeyId).toBe('AKIDEXAMPLE');

      expect(await leanAwsFrom({ ...LAMBDA, ...files('[default]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:4566\n', keys) }))
        .toEqual({ sdk: 'the default profile sets endpoint_url' });
      expect(await leanAwsFrom({ ...LAMBDA, ...files('[default]\nservices = local\n[services local]\nsqs =\n  endpoint_url = http://127.0.0.1:4566\n', keys) }))
        .toEqual({ sdk: 'the default profile sets services' });
      expect(await leanAwsFrom({ ...LAMBDA, ...files('', '[default]\nignore_configured_endpoint_urls = true\n') })).toHaveProperty('sdk');
      // Another profile's endpoint is not the default profile's.
      expect(await leanAwsFrom({ ...LAMBDA, ...files('[profile other]\nendpoint_url = http://127.0.0.1:4566\n', keys) })).not.toHaveProperty('sdk');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
