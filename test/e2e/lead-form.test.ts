import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { groupAlive, killGroup, lineAfter, NPM_START, portOpen, PROJECT_ROOT, sleep, START_SCRIPT, startStack, waitFor, type RunningStack } from './support/npm-start.ts';

/*
 * The example form against the real `npm start` stack (sandbox, dynalite, serverless offline, example
 * server), driven by headless Chromium: without JavaScript (plain post, 303 to the thank-you page) and
 * with it (fetch, answers in place). Leads go through the local SQS queue to the worker, as on AWS. Ends by stopping the stack as Ctrl-C would and checking nothing is left.
 */

const run = promisify(execFile);
const START_TIMEOUT_MS = 120_000;
/** The contact form's minSecondsToSubmit is 3 (the default): sooner than that a post counts as spam. */
const HUMAN_DELAY_MS = 3_300;
/** Where the screenshot of the filled form goes, for a look by eye; never committed. */
const SCREENSHOT_DIR = join(tmpdir(), 'csmart-connect-e2e');

type Lead = { company: string; first_name: string; last_name: string; email: string; phone: string; nip: string; message: string };
type SandboxRecord = Record<string, unknown> & { id: number | string };

let stack: RunningStack;
let direct: RunningStack | undefined;
let crashed: RunningStack | undefined;
let browser: Browser;

const formUrl = () => `http://127.0.0.1:${stack.ports.examples}/lead-form.html`;

async function records(module: string): Promise<SandboxRecord[]> {
  const response = await fetch(`http://127.0.0.1:${stack.ports.sandbox}/__admin/records/${module}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SandboxRecord[];
}

/** A valid Polish NIP (the checksum holds) that differs per test, so each lead is a new client. */
function nipFor(seed: number): string {
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  for (let n = seed; ; n++) {
    const digits = String(100_000_000 + (n % 900_000_000)).split('').map(Number);
    const check = digits.reduce((sum, digit, i) => sum + digit * weights[i]!, 0) % 11;
    if (check < 10) return [...digits, check].join('');
  }
}

function leadFor(tag: string): Lead {
  return {
    company: `Zakład Testowy ${tag} Sp. z o.o.`,
    first_name: 'Zofia',
    last_name: 'Wójcik',
    email: `zofia.${tag}@example.com`,
    phone: '+48 601 234 567',
    nip: nipFor(Date.now() % 900_000_000 + Math.floor(Math.random() * 1000)),
    message: `Proszę o ofertę (${tag}).`,
  };
}

async function fillForm(page: Page, lead: Lead): Promise<void> {
  for (const [field, value] of Object.entries(lead)) await page.fill(`#${field}`, value);
  await page.check('#consent_rodo');
}

/** Waits until the form has been open longer than the spam threshold, as a person would. */
async function waitLikeAPerson(page: Page): Promise<void> {
  const loadedAt = Number(await page.locator('input[name="_ts"]').inputValue());
  expect(loadedAt).toBeGreaterThan(0);
  const wait = loadedAt + HUMAN_DELAY_MS - Date.now();
  if (wait > 0) await sleep(wait);
}

beforeAll(async () => {
  browser = await launchChromium();
  stack = await startStack({ command: NPM_START, timeoutMs: START_TIMEOUT_MS });
}, START_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await browser?.close();
  // Only if the last test did not stop it already: nothing may outlive the test run.
  for (const running of [stack, direct, crashed]) {
    killGroup(running?.child.pid, 'SIGKILL');
    killGroup(running?.offlinePid, 'SIGKILL');
  }
});

// Generous: the first post wakes the function up (a worker thread loading its bundle) on a busy 2-core machine.
describe('the example lead form on the local stack', { timeout: 90_000 }, () => {
  it('without JavaScript, posts the form, lands on the thank-you page, and the client is in CSMART', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const lead = leadFor(`nojs${Date.now()}`);

    await page.goto(formUrl());
    await fillForm(page, lead);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'lead-form-filled.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/thank-you\.html$/, { timeout: 30_000 }), page.click('button[type="submit"]')]);

    expect(await page.locator('h1').textContent()).toContain('Dziękujemy');
    // The CLI line the banner prints, run as pasted, until the worker has delivered the lead from the queue.
    const client = await waitFor('the client in CSMART', async () => {
      const { stdout } = await run('sh', ['-c', lineAfter(stack.output(), 'See the result in CSMART')], { cwd: PROJECT_ROOT, timeout: 60_000 });
      return (JSON.parse(stdout) as SandboxRecord[]).find((account) => account.email === lead.email);
    }, 30_000);
    expect(client).toMatchObject({ name: lead.company, nip: lead.nip, source: 'Strona WWW' });
    await context.close();
  });

  it('without JavaScript, brings the visitor back to the form with the error box when the server refuses a field', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const lead = { ...leadFor(`nojsbad${Date.now()}`), email: 'zofia@example' };
    const before = (await records('Accounts')).length;

    await page.goto(formUrl());
    await fillForm(page, lead);
    await Promise.all([page.waitForURL(/error=/, { timeout: 30_000 }), page.click('button[type="submit"]')]);

    const url = new URL(page.url());
    expect(url.pathname).toBe('/lead-form.html');
    expect(Object.fromEntries(url.searchParams)).toEqual({ error: 'email_invalid', field: 'email' });
    expect(await page.locator('#form-error').isVisible()).toBe(true);
    expect(await records('Accounts')).toHaveLength(before);
    await context.close();
  });

  it('with JavaScript, sends the form with fetch, shows the thank-you message in place, and the client is in CSMART', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const lead = leadFor(`js${Date.now()}`);

    await page.goto(formUrl());
    await fillForm(page, lead);
    await waitLikeAPerson(page);
    await page.click('button[type="submit"]');

    await page.locator('#form-thanks').waitFor({ state: 'visible', timeout: 30_000 });
    expect(page.url()).toBe(formUrl());
    expect(await page.locator('#lead-form').isHidden()).toBe(true);
    const client = await waitFor('the client in the sandbox', async () => (await records('Accounts')).find((a) => a.email === lead.email));
    expect(client).toMatchObject({ name: lead.company, source: 'Strona WWW' });
    // The contact form's follow-ups (config/local/forms.json) came along: an opportunity and a task.
    expect((await records('Opportunities')).some((o) => o.name === `Zapytanie ze strony: ${lead.company}`)).toBe(true);
    expect((await records('Events')).some((e) => e.name === `Skontaktuj się: ${lead.company}`)).toBe(true);
    await context.close();
  });

  it('with JavaScript, shows the e-mail field\'s error next to it and sends nothing to CSMART when the address is invalid', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The browser's own check lets `name@host` through; the server wants a dotted domain.
    const lead = { ...leadFor(`bad${Date.now()}`), email: `zofia.bad${Date.now()}@example` };
    const before = (await records('Accounts')).length;

    await page.goto(formUrl());
    await fillForm(page, lead);
    await waitLikeAPerson(page);
    await page.click('button[type="submit"]');

    const error = page.locator('#email-error');
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await error.textContent()).toContain('e-mail address');
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#form-thanks').isHidden()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'lead-form-error.png'), fullPage: true });
    const accounts = await records('Accounts');
    expect(accounts).toHaveLength(before);
    expect(accounts.some((a) => String(a.email).startsWith('zofia.bad'))).toBe(false);
    await context.close();
  });

  it('answers the lead curl line of the banner as pasted with 202', async () => {
    const { stdout } = await run('sh', ['-c', lineAfter(stack.output(), 'Post a lead:')], { timeout: 30_000 });

    expect(stdout).toMatch(/^HTTP\/1\.1 202/);
    await waitFor('the client in CSMART', async () => ((await records('Accounts')).some((a) => a.email === 'anna.nowak@example.com') ? true : undefined), 30_000);
  });

  it('answers the signed webhook curl line as pasted, and the printed CLI line finds the lead and the webhook\'s client', async () => {
    const { stdout } = await run('sh', ['-c', lineAfter(stack.output(), 'Post a signed Standard Webhooks')], { timeout: 30_000 });
    expect(stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(stdout).toContain('"status":"accepted"');

    const emails = await waitFor('both clients in CSMART', async () => {
      const listed = await run('sh', ['-c', lineAfter(stack.output(), 'See the result in CSMART')], { cwd: PROJECT_ROOT, timeout: 60_000 });
      const found = (JSON.parse(listed.stdout) as { email?: string }[]).map((a) => a.email);
      return found.includes('jan.kowalski@example.com') ? found : undefined;
    }, 30_000);
    expect(emails).toEqual(expect.arrayContaining(['anna.nowak@example.com', 'jan.kowalski@example.com']));
  }, 90_000);

  it('stops everything on SIGINT (Ctrl-C) and leaves no process and no open port behind', async () => {
    const { child, ports, offlinePid } = stack;
    expect(groupAlive(offlinePid)).toBe(true);

    // Ctrl-C in a terminal signals the whole foreground process group.
    killGroup(child.pid, 'SIGINT');
    const result = await Promise.race([stack.exited, sleep(45_000).then(() => undefined)]);

    expect(result, `npm start did not stop within 45 s:\n${stack.output()}`).toBeDefined();
    // npm ends itself with the signal it was stopped by, as a shell does; the script's own exit code 0 is
    // checked in local-stack.test.ts. Either way the stack said it stopped cleanly.
    expect(result!.code === 0 || result!.signal === 'SIGINT', JSON.stringify(result)).toBe(true);
    await waitFor('both process groups to be gone', async () => (!groupAlive(child.pid) && !groupAlive(offlinePid) ? true : undefined), 10_000);
    for (const port of Object.values(ports)) expect(await portOpen(port), `port ${port} still open`).toBe(false);
    expect(stack.output()).toContain('Stopped.');
  }, 60_000);
});

// After the stack above has stopped: two stacks at once would share serverless-esbuild's .esbuild/ folder.
describe('scripts/start.ts without npm', () => {
  it('stops on SIGTERM with exit code 0 and closes every port', async () => {
    direct = await startStack({ command: START_SCRIPT, timeoutMs: START_TIMEOUT_MS });
    const { child, ports, offlinePid } = direct;

    // SIGTERM to the tsx process only, as `kill <pid>` or a process manager sends it; tsx relays it.
    process.kill(child.pid!, 'SIGTERM');
    const result = await Promise.race([direct.exited, sleep(45_000).then(() => undefined)]);

    expect(result, direct.output()).toEqual({ code: 0, signal: null });
    await waitFor('offline\'s process group to be gone', async () => (!groupAlive(offlinePid) ? true : undefined), 10_000);
    for (const port of Object.values(ports)) expect(await portOpen(port), `port ${port} still open`).toBe(false);
  }, START_TIMEOUT_MS + 60_000);

  it('stops the rest and exits 1 when serverless offline dies on its own', async () => {
    crashed = await startStack({ command: START_SCRIPT, timeoutMs: START_TIMEOUT_MS });
    const { ports, offlinePid } = crashed;

    killGroup(offlinePid, 'SIGKILL');
    const result = await Promise.race([crashed.exited, sleep(30_000).then(() => undefined)]);

    expect(result, crashed.output()).toEqual({ code: 1, signal: null });
    expect(crashed.output()).toContain('serverless offline ended unexpectedly');
    for (const port of Object.values(ports)) expect(await portOpen(port), `port ${port} still open`).toBe(false);
  }, START_TIMEOUT_MS + 60_000);
});
