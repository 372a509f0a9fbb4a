import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { groupAlive, killGroup, NPM_START, portOpen, PROJECT_ROOT, sleep, startStack, waitFor, type RunningStack } from './support/npm-start.ts';

/*
 * The product's promise on `npm start`, as a user would try it: while CSMART is down a lead is still
 * accepted (stored on the local SQS queue), `csmart status` says it is being retried, and it lands once
 * CSMART is back; a lead CSMART refuses is parked in the DLQ with the reason, `csmart dlq` shows it and
 * `csmart redrive` delivers it after the fix; queued work survives a restart of the stack. The CLI
 * lines are the ones the banner prints, run as pasted.
 */

const run = promisify(execFile);
const START_TIMEOUT_MS = 120_000;
// Retries after 0.5-1 s, doubling: a recovery shows within seconds instead of the deployed minute.
const ENV = { CSMART_RETRY_BASE_SECONDS: '1' };

let stack: RunningStack | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'csmart-local-pipeline-'));
  stack = await startStack({ command: NPM_START, timeoutMs: START_TIMEOUT_MS, env: { ...ENV, SANDBOX_DATA_FILE: join(dataDir, 'store.json') } });
}, START_TIMEOUT_MS + 30_000);

afterAll(async () => {
  killGroup(stack?.child.pid, 'SIGKILL');
  killGroup(stack?.offlinePid, 'SIGKILL');
  await sleep(500);
  rmSync(dataDir, { recursive: true, force: true });
});

// A test that failed half-way must not leave CSMART down for the next one.
afterEach(async () => {
  if (stack) await admin('/faults', 'DELETE').catch(() => undefined);
});

const current = () => {
  if (!stack) throw new Error('the stack is not running');
  return stack;
};
const admin = (path: string, method: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${current().ports.sandbox}/__admin${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
const accounts = async (email: string) =>
  ((await (await admin('/records/Accounts', 'GET')).json()) as { email?: string }[]).filter((a) => a.email === email);

/** The CLI line the banner prints for `status <id>`, `dlq` or `redrive`, run as pasted with the arguments filled in. */
async function cli(command: 'status' | 'dlq' | 'redrive', argument = ''): Promise<string> {
  const printed = current().output().split('\n').map((l) => l.trim()).find((l) => /bin\/csmart (status <id>|dlq|redrive)$/.test(l) && l.includes(`bin/csmart ${command}`));
  if (!printed) throw new Error(`the banner has no csmart ${command} line:\n${current().output()}`);
  const line = command === 'status' ? printed.replace('<id>', argument) : `${printed} ${argument}`;
  const { stdout } = await run('sh', ['-c', line], { cwd: PROJECT_ROOT, timeout: 60_000 });
  return stdout;
}

async function postJson(lead: Record<string, string>): Promise<{ status: number; id: string }> {
  const response = await fetch(`http://127.0.0.1:${current().ports.offline}/leads`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lead),
  });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, id: body.id ?? '' };
}

/** The example contact form posted without JavaScript, as a browser does: 303 to its thank-you page. */
async function postForm(lead: Record<string, string>): Promise<Response> {
  return fetch(`http://127.0.0.1:${current().ports.offline}/leads/contact`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${current().ports.examples}` },
    // Opened ten seconds ago, with the consent the form requires.
    body: new URLSearchParams({ ...lead, consent_rodo: 'on', _ts: String(Date.now() - 10_000) }).toString(),
    redirect: 'manual',
  });
}

describe('npm start runs the real queue pipeline', { timeout: 120_000 }, () => {
  it.each([
    ['HTTP 503', { kind: 'status', status: 503 }],
    ['an HTML error page', { kind: 'html' }],
    ['a reset connection', { kind: 'drop' }],
  ])('accepts leads while CSMART answers %s, says they are retried, and delivers each once when it is back', async (name, fault) => {
    const tag = name.toLowerCase().replaceAll(/\W+/g, '-');
    await admin('/faults', 'POST', { ...fault, count: -1 });

    const json = await postJson({ company: `Firma ${tag}`, email: `json-${tag}@example.pl` });
    const form = await postForm({ company: `Firma formularz ${tag}`, email: `form-${tag}@example.pl` });

    expect(json.status).toBe(202);
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toMatch(/\/thank-you\.html$/);
    const retrying = await waitFor('csmart status to say retrying', async () => {
      const said = await cli('status', json.id);
      return said.includes('retrying') ? said : undefined;
    }, 60_000);
    expect(retrying).toContain(`${json.id}: retrying`);
    expect(await accounts(`json-${tag}@example.pl`)).toEqual([]);

    await admin('/faults', 'DELETE');

    await waitFor('both leads in CSMART', async () => ((await accounts(`json-${tag}@example.pl`)).length + (await accounts(`form-${tag}@example.pl`)).length === 2 ? true : undefined), 60_000);
    expect(await waitFor('csmart status to say delivered', async () => {
      const said = await cli('status', json.id);
      return said.includes('delivered') ? said : undefined;
    }, 30_000)).toContain(`${json.id}: delivered`);
    await sleep(2_000);
    expect(await accounts(`json-${tag}@example.pl`)).toHaveLength(1);
    expect(await accounts(`form-${tag}@example.pl`)).toHaveLength(1);
  });

  it('parks a lead CSMART refuses in the DLQ with the reason, and redrives it after the fix', async () => {
    await admin('/faults', 'POST', { kind: 'error', text: 'Pole name jest wymagane.', module: 'Accounts', action: 'Save', count: -1 });

    const { status, id } = await postJson({ company: 'Firma Odrzucona', email: 'odrzucona@example.pl' });

    expect(status).toBe(202);
    const parked = await waitFor('the lead in the DLQ', async () => {
      const said = await cli('dlq');
      return said.includes(id) ? said : undefined;
    }, 60_000);
    expect(parked).toContain('Pole name jest wymagane.');
    expect(await cli('status', id)).toContain(`${id}: dead-lettered`);

    await admin('/faults', 'DELETE');
    const redriven = await cli('redrive', '--all');

    expect(redriven).toContain(`moved ${id}`);
    await waitFor('the redriven lead in CSMART', async () => ((await accounts('odrzucona@example.pl')).length > 0 ? true : undefined), 60_000);
    await sleep(2_000);
    expect(await accounts('odrzucona@example.pl')).toHaveLength(1);
    expect(await cli('dlq')).toContain('The dead-letter queue is empty.');
  });

  it('keeps queued work across a restart of npm start, and delivers it after', async () => {
    await admin('/faults', 'POST', { kind: 'status', status: 503, count: -1 });
    const { id } = await postJson({ company: 'Firma Po Restarcie', email: 'restart@example.pl' });
    await waitFor('csmart status to say retrying', async () => ((await cli('status', id)).includes('retrying') ? true : undefined), 60_000);

    // Ctrl-C, then start again on the same data folder: the sandbox comes back without its fault.
    const { child, offlinePid, ports } = current();
    killGroup(child.pid, 'SIGINT');
    await waitFor('the stack to stop', async () => (!groupAlive(child.pid) && !groupAlive(offlinePid) ? true : undefined), 45_000);
    for (const port of Object.values(ports)) expect(await portOpen(port), `port ${port} still open`).toBe(false);
    stack = await startStack({ command: NPM_START, timeoutMs: START_TIMEOUT_MS, env: { ...ENV, SANDBOX_DATA_FILE: join(dataDir, 'store.json') } });

    await waitFor('the lead in CSMART', async () => ((await accounts('restart@example.pl')).length > 0 ? true : undefined), 60_000);
    expect(await cli('status', id)).toContain(`${id}: delivered`);
    expect(await accounts('restart@example.pl')).toHaveLength(1);
  }, START_TIMEOUT_MS + 120_000);
});
