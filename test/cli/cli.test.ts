import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCliWith } from '../support/cli.ts';
import { useSandbox } from '../support/sandbox.ts';

const sandbox = useSandbox();
const run = promisify(execFile);

function localEnv(overrides: Record<string, string> = {}) {
  const { endpoint, domain, email, password } = sandbox.demoCredentials;
  return { CSMART_API_URL: endpoint, CSMART_DOMAIN: domain, CSMART_EMAIL: email, CSMART_PASSWORD: password, ...overrides };
}

/** Runs the CLI in this process with the given environment; returns exit code and output. */
const cli = (args: string[], env: Record<string, string> = localEnv()) => runCliWith(args, env);


describe('csmart CLI', () => {
  it('login prints the domain and never the token or password', async () => {
    const result = await cli(['login']);
    expect(result).toMatchObject({ code: 0, out: 'Logged in to CSMART domain "demo".\n' });
    expect(result.out + result.err).not.toContain(sandbox.demoCredentials.password);
  });

  it('login with a wrong password fails with exit code 1 and a clear message', async () => {
    const result = await cli(['login'], localEnv({ CSMART_PASSWORD: 'wrong-password' }));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/refused the login to domain "demo"/);
    expect(result.err).not.toContain('wrong-password');
  });

  it('save prints the new id and edits with --id', async () => {
    const created = await cli(['save', 'Accounts', 'name=Zażółć gęślą jaźń', 'city=Łódź']);
    expect(created.code).toBe(0);
    const id = created.out.trim();
    expect(id).toMatch(/^\d+$/);
    const edited = await cli(['save', 'Accounts', 'name=Nowa nazwa', '--id', id]);
    expect(edited.out.trim()).toBe(id);
    expect(sandbox.current.store.get('Accounts', id)).toMatchObject({ name: 'Nowa nazwa', city: 'Łódź' });
  });

  it('save edits a task\'s status alone with --id: required fields apply to creates only', async () => {
    const created = await cli(['save', 'Events', 'name=Spotkanie', 'status=nowe']);
    const id = created.out.trim();
    const edited = await cli(['save', 'Events', 'status=zamknięte', '--id', id]);
    expect(edited).toMatchObject({ code: 0 });
    expect(sandbox.current.store.get('Events', id)).toMatchObject({ name: 'Spotkanie', status: 'zamknięte' });
    expect((await cli(['save', 'Events', 'status=zamknięte'])).code).not.toBe(0);
  });

  it('list prints json, ndjson and csv', async () => {
    await cli(['save', 'Accounts', 'name=A, "quoted"', 'city=Kraków']);
    const json = await cli(['list', 'Accounts']);
    expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ name: 'A, "quoted"', city: 'Kraków' })]);
    const ndjson = await cli(['list', 'Accounts', '--format', 'ndjson']);
    expect(ndjson.out.trim().split('\n').map((line) => JSON.parse(line))).toHaveLength(1);
    const csv = await cli(['list', 'Accounts', '--format', 'csv']);
    expect(csv.out).toContain('"A, ""quoted"""');
    expect(csv.out).toContain('Kraków');
  });

  it.each([
    [['list'], /exactly one module/],
    [['list', 'Clients'], /unknown module "Clients"/],
    [['list', 'Accounts', '--format', 'xml'], /unknown format "xml"/],
    [['save', 'Invoices', 'name=x'], /"Invoices" cannot be saved/],
    [['save', 'Accounts', 'colour=red'], /Accounts has no field "colour"/],
    [['save', 'Accounts', 'name'], /"name" is not field=value/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['list', 'Accounts', '--bogus'], /Unknown option/],
  ])('refuses %j with exit code 2 and a usage hint', async (args, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('csmart --help');
    expect(sandbox.current.requests).toHaveLength(0);
  });

  it('reports missing configuration with exit code 3, naming what is missing', async () => {
    const result = await cli(['login'], { CSMART_DOMAIN: 'demo', CSMART_EMAIL: '', CSMART_PASSWORD: '' , CSMART_API_URL: sandbox.demoCredentials.endpoint });
    expect(result.code).toBe(3);
    expect(result.err).toMatch(/CSMART_EMAIL/);
  });

  it('export writes snapshots to a folder with a progress line per module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csmart-export-'));
    await cli(['save', 'Accounts', 'name=Eksport Łódź']);
    const result = await cli(['export', '--to', dir, '--module', 'Accounts', '--module', 'Products', '--date', '2026-11-28']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Accounts: listing…\nAccounts: 1 records, [\d.]+ KB gzipped, first snapshot/m);
    expect(result.out).toMatch(/^Products: \d+ records/m);
    expect(result.out).toContain('Export of 2026-11-28: 2 of 2 modules written.');
    expect(existsSync(join(dir, 'Accounts/dt=2026-11-28/manifest.json'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('export without a bucket or --to is a configuration error (exit code 3)', async () => {
    const result = await cli(['export', '--module', 'Accounts']);
    expect(result.code).toBe(3);
    expect(result.err).toContain('CSMART_EXPORT_BUCKET is not set');
  });

  it('export refuses an unknown module and a bad date', async () => {
    expect((await cli(['export', '--to', '/tmp/x', '--module', 'Clients'])).code).toBe(2);
    expect((await cli(['export', '--to', '/tmp/x', '--date', '28.11.2026'])).code).toBe(2);
  });

  it('prints help', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/login[\s\S]*list <Module>[\s\S]*save <Module>/);
  });

  it('works as the README shows: bin/csmart login, save and list against the sandbox', async () => {
    const env = { ...process.env, ...localEnv() };
    const login = await run('bin/csmart', ['login'], { env });
    expect(login.stdout).toContain('domain "demo"');
    const saved = await run('bin/csmart', ['save', 'Accounts', 'name=Zażółć gęślą jaźń'], { env });
    const id = saved.stdout.trim();
    const listed = await run('bin/csmart', ['list', 'Accounts'], { env });
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ id, name: 'Zażółć gęślą jaźń' }));
  });
});
