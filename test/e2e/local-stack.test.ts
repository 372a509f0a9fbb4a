import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFormSettings } from '../../lib/mapping/form-settings.ts';
import { verifyStandardSignature } from '../../lib/providers/standard/signature.ts';
import { startupBanner } from '../../scripts/local/banner.ts';
import { signStandardWebhook } from '../../scripts/local/demo-requests.ts';
import { LocalStackError } from '../../scripts/local/errors.ts';
import { startExamplesServer } from '../../scripts/local/examples-server.ts';
import { retargetExampleOrigin } from '../../scripts/local/forms-file.ts';
import { offlineEnvironment } from '../../scripts/local/offline-environment.ts';
import { readLocalStackOptions } from '../../scripts/local/options.ts';
import { assertPortFree, DEFAULT_PORTS } from '../../scripts/local/ports.ts';
import { groupAlive, stopProcessGroup } from '../../scripts/local/process-group.ts';
import { freePorts, killGroup, portOpen, PROJECT_ROOT, sleep, START_SCRIPT } from './support/npm-start.ts';

const run = promisify(execFile);
const readJson = (path: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, path), 'utf8')) as Record<string, unknown>;
const secrets = readJson('config/local/secrets.json') as Record<string, string>;
const forms = readJson('config/local/forms.json');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Splits a printed command line into words exactly as a POSIX shell does. */
async function shellWords(line: string): Promise<string[]> {
  const { stdout } = await run('sh', ['-c', 'eval "set -- $1"; for word in "$@"; do printf \'%s\\0\' "$word"; done', 'sh', line]);
  return stdout.split('\0').slice(0, -1);
}

/** The -H headers and -d body of a curl command line. */
function curlParts(words: string[]): { url: string; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {};
  let body = '';
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-H') {
      const [name = '', ...value] = (words[++i] ?? '').split(':');
      headers[name.trim().toLowerCase()] = value.join(':').trim();
    } else if (words[i] === '-d') body = words[++i] ?? '';
  }
  return { url: words.find((word) => word.startsWith('http')) ?? '', headers, body };
}

describe('local stack settings', () => {
  it('uses the documented ports, the config/local files and a persistent sandbox when nothing is set', () => {
    const options = readLocalStackOptions({}, '/repo');

    expect(options.ports).toEqual({ sandbox: 8787, offline: 3000, offlineLambda: 3002, examples: 8080, dynamo: 8000, sqs: 9324 });
    expect(options.formsFile).toBe('/repo/config/local/forms.json');
    expect(options.secretsFile).toBe('/repo/config/local/secrets.json');
    expect(options.sandboxDataFile).toBe('/repo/.sandbox-data/store.json');
    expect(options.startTimeoutMs).toBe(120_000);
  });

  it('takes ports and files from the environment, and keeps the sandbox in memory when SANDBOX_DATA_FILE is empty', () => {
    const options = readLocalStackOptions({
      SANDBOX_PORT: '9787', OFFLINE_HTTP_PORT: '4000', OFFLINE_LAMBDA_PORT: '4002', EXAMPLES_PORT: '9080', DYNAMO_PORT: '9000', SQS_PORT: '0',
      SANDBOX_DATA_FILE: '', CSMART_FORMS_FILE: '/etc/forms.json',
    }, '/repo');

    expect(options.ports).toEqual({ sandbox: 9787, offline: 4000, offlineLambda: 4002, examples: 9080, dynamo: 9000, sqs: 0 });
    expect(options.sandboxDataFile).toBeUndefined();
    expect(options.formsFile).toBe('/etc/forms.json');
  });

  it('refuses a port that is not a port number, naming the variable', () => {
    expect(() => readLocalStackOptions({ OFFLINE_HTTP_PORT: 'http' })).toThrow(expect.objectContaining({ code: 'bad_setting', message: expect.stringContaining('OFFLINE_HTTP_PORT') }));
    expect(() => readLocalStackOptions({ SANDBOX_PORT: '70000' })).toThrow(/SANDBOX_PORT/);
    expect(() => readLocalStackOptions({ EXAMPLES_PORT: '0' })).toThrow(/EXAMPLES_PORT/);
  });

  it('refuses two services on one port', () => {
    expect(() => readLocalStackOptions({ EXAMPLES_PORT: '3000' })).toThrow(/OFFLINE_HTTP_PORT and EXAMPLES_PORT are both 3000/);
  });

  it('points the example origin at another port, on both host names and nowhere else', () => {
    const text = '["http://127.0.0.1:8080", "http://localhost:8080/thank-you.html", "http://127.0.0.1:80800", "https://www.example.pl:8080"]';

    expect(retargetExampleOrigin(text, 9090)).toBe('["http://127.0.0.1:9090", "http://localhost:9090/thank-you.html", "http://127.0.0.1:80800", "https://www.example.pl:8080"]');
  });

  it('gives serverless offline the local stack\'s endpoints and no real AWS account, endpoint or queue', () => {
    const env = offlineEnvironment(
      { PATH: '/bin', AWS_PROFILE: 'production', AWS_SESSION_TOKEN: 'token', AWS_ENDPOINT_URL_SQS: 'https://sqs.example', CSMART_QUEUE_URL: 'https://sqs.example/q', CSMART_LINK_TABLE: 'prod-links' },
      { sandbox: { url: 'http://127.0.0.1:1/app/api.php' }, dynamo: { endpoint: 'http://127.0.0.1:2' }, sqs: { endpoint: 'http://127.0.0.1:3' }, formsFile: '/f.json', secretsFile: '/s.json', ports: { ...DEFAULT_PORTS } },
    );

    expect(env).toMatchObject({
      PATH: '/bin', AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:3', CSMART_API_URL: 'http://127.0.0.1:1/app/api.php',
      CSMART_DOMAIN: 'demo', CSMART_FORMS_FILE: '/f.json', CSMART_SECRETS_FILE: '/s.json', OFFLINE_HTTP_PORT: '3000', ESBUILD_WORK_FOLDER: '.esbuild-local/3000',
    });
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'CSMART_QUEUE_URL', 'CSMART_LINK_TABLE']) expect(env).not.toHaveProperty(name);
  });
});

describe('the startup banner', () => {
  const urls = {
    leads: 'http://127.0.0.1:3000/leads', webhooks: 'http://127.0.0.1:3000/webhooks', sandbox: 'http://127.0.0.1:8787/app/api.php',
    sandboxAdmin: 'http://127.0.0.1:8787/__admin', exampleForm: 'http://127.0.0.1:8080/lead-form.html', dynamo: 'http://127.0.0.1:8000',
    sqs: 'http://127.0.0.1:9324',
  };
  const lineAfter = (text: string, heading: string) => text.split('\n')[text.split('\n').findIndex((l) => l.startsWith(heading)) + 1]!.trim();

  it('prints a webhook curl line whose Standard Webhooks signature our verifier accepts for the demo secret', async () => {
    const now = new Date();
    const banner = startupBanner({ urls, offlinePid: 1, demoSecret: secrets.demo, now });

    const { url, headers, body } = curlParts(await shellWords(lineAfter(banner, 'Post a signed Standard Webhooks')));

    expect(url).toBe('http://127.0.0.1:3000/webhooks/demo');
    expect(JSON.parse(body)).toMatchObject({ type: 'lead.created', data: { email: 'jan.kowalski@example.com' } });
    expect(verifyStandardSignature(headers, Buffer.from(body, 'utf8'), [secrets.demo!], now, 300)).toBe(headers['webhook-id']);
  });

  it('signs exactly as the Standard Webhooks scheme: a wrong secret does not verify', () => {
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature = signStandardWebhook('whsec_' + Buffer.from('another-secret-of-24-byt').toString('base64'), 'msg_1', timestamp, '{}');

    expect(() => verifyStandardSignature({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, Buffer.from('{}'), [secrets.demo!], now, 300))
      .toThrow(expect.objectContaining({ code: 'signature_invalid' }));
  });

  it('prints a lead curl line with a JSON lead and the CLI line with the demo credentials', async () => {
    const banner = startupBanner({ urls, offlinePid: 1, demoSecret: undefined, now: new Date() });

    const lead = curlParts(await shellWords(lineAfter(banner, 'Post a lead:')));
    expect(lead.url).toBe('http://127.0.0.1:3000/leads');
    expect(JSON.parse(lead.body)).toMatchObject({ email: 'anna.nowak@example.com' });
    expect(lineAfter(banner, 'See the result in CSMART')).toBe('CSMART_API_URL=http://127.0.0.1:8787/app/api.php CSMART_DOMAIN=demo CSMART_EMAIL=demo@csmart.local CSMART_PASSWORD=demo-password bin/csmart list Accounts');
    expect(banner).not.toContain('webhook-signature');
  });
});

describe('config/local and examples/', () => {
  it('has valid settings for every local form, and the contact form accepts the example origin', () => {
    for (const [name, json] of Object.entries(forms)) expect(() => parseFormSettings(name, json), name).not.toThrow();
    const contact = parseFormSettings('contact', forms.contact);

    expect(contact.allowedOrigins).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080']);
    expect(contact.thankYouUrl).toBe('http://127.0.0.1:8080/thank-you.html');
    expect(existsSync(join(PROJECT_ROOT, 'examples', 'thank-you.html'))).toBe(true);
    expect(contact.defaults).toEqual({ source: 'Strona WWW' });
    expect(contact.required).toContainEqual(['consent_rodo']);
    expect(contact.followUps.opportunity).toBeDefined();
    expect(contact.followUps.task).toBeDefined();
  });

  it('has a Standard Webhooks demo secret of 24 bytes and a clearly named demo secret for each named sender', () => {
    expect(secrets.demo).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secrets.demo!.slice('whsec_'.length), 'base64')).toHaveLength(24);
    for (const source of ['calendly', 'calcom', 'typeform', 'woocommerce']) expect(secrets[source]).toMatch(/^local-demo-/);
  });

  it('records the same consent text the form shows and the settings hold', () => {
    const html = readFileSync(join(PROJECT_ROOT, 'examples', 'lead-form.html'), 'utf8');
    const text = (forms.contact as { consents: { rodo: { text: string } } }).consents.rodo.text;

    expect(html).toContain(`name="consent_rodo_text" value="${text}"`);
    expect(html).toMatch(/<form[^>]*method="post"[^>]*action="http:\/\/127\.0\.0\.1:3000\/leads\/contact"[^>]*data-endpoint="http:\/\/127\.0\.0\.1:3000\/leads\/contact"/);
    for (const hidden of ['name="_gotcha"', 'name="_ts"']) expect(html).toContain(hidden);
  });
});

describe('the example form server', () => {
  async function serve(leadsOrigin: string): Promise<string> {
    const server: Server = await startExamplesServer({ root: join(PROJECT_ROOT, 'examples'), port: 0, leadsOrigin });
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  it('serves the form as written when offline runs on its default port', async () => {
    const origin = await serve('http://127.0.0.1:3000');

    const response = await fetch(`${origin}/lead-form.html`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('action="http://127.0.0.1:3000/leads/contact"');
  });

  it('points the form at the running offline when it runs on another port', async () => {
    const origin = await serve('http://127.0.0.1:4123');

    const html = await (await fetch(`${origin}/lead-form.html`)).text();

    expect(html).toContain('action="http://127.0.0.1:4123/leads/contact"');
    expect(html).toContain('data-endpoint="http://127.0.0.1:4123/leads/contact"');
    expect(html).not.toContain('127.0.0.1:3000');
  });

  it('serves nothing outside examples/, and only GET and HEAD', async () => {
    const origin = await serve('http://127.0.0.1:3000');

    expect((await fetch(`${origin}/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${origin}/missing.html`)).status).toBe(404);
    expect((await fetch(`${origin}/lead-form.html`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${origin}/`, { redirect: 'manual' })).headers.get('location')).toBe('/lead-form.html');
  });
});

describe('ports and processes', () => {
  it('says which variable to change when a port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const port = (holder.address() as { port: number }).port;

    const error = await assertPortFree(port, 'offline').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LocalStackError);
    expect(error).toMatchObject({ code: 'port_taken', message: expect.stringContaining(`Port ${port}`) });
    expect((error as Error).message).toContain('OFFLINE_HTTP_PORT=<port> npm start');
  });

  // `trap "" INT TERM` in the shell: its children ignore both signals, as a stuck helper would.
  it.each([
    ['a helper left behind by a leader that stopped', `(trap "" INT TERM; exec sleep 60) & exec sleep 60`],
    ['a leader that ignores SIGINT', `trap "" INT TERM; sleep 60 & sleep 60`],
  ])('stops a whole process group, also %s', async (_case, script) => {
    const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
    cleanups.push(() => killGroup(child.pid, 'SIGKILL'));
    await sleep(200);
    expect(groupAlive(child.pid!)).toBe(true);

    await stopProcessGroup(child, 1_000);

    expect(groupAlive(child.pid!)).toBe(false);
  }, 15_000);

  it('npm start exits non-zero and names the port when one is taken, before starting anything', async () => {
    const [taken, sandbox] = (await freePorts(2)) as [number, number];
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));

    const [node, ...args] = START_SCRIPT;
    const result = await run(node, args, {
      cwd: PROJECT_ROOT, timeout: 60_000, env: { ...process.env, OFFLINE_HTTP_PORT: String(taken), SANDBOX_PORT: String(sandbox), SANDBOX_DATA_FILE: '' },
    }).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => error);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${taken} for serverless offline (HTTP) is already in use`);
    expect(result.stderr).toContain('OFFLINE_HTTP_PORT=<port>');
    expect(await portOpen(sandbox)).toBe(false);
  }, 60_000);
});
