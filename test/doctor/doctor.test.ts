import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../bin/doctor/report.ts';
import { readSettings } from '../../lib/config/settings.ts';
import { runCliWith } from '../support/cli.ts';
import { useSandbox } from '../support/sandbox.ts';
import { SANDBOX_MODES } from '../support/sandbox-modes.ts';
import { sha1 } from '../sandbox/wire-client.ts';

const sandbox = useSandbox({ behaviour: {} });

async function doctor(args: string[], env: Record<string, string> = {}) {
  const { endpoint, domain, email, password } = sandbox.demoCredentials;
  return runCliWith(['doctor', ...args], { CSMART_API_URL: endpoint, CSMART_DOMAIN: domain, CSMART_EMAIL: email, CSMART_PASSWORD: password, ...env });
}

const saves = () => sandbox.current.requests.filter((r) => r.action === 'Save');

describe('csmart doctor', () => {
  it('read-only: lists every module with count, time, bytes, shape, BOM, content type and fields, and saves nothing', async () => {
    sandbox.current.store.put('Accounts', { name: 'Gęś i Syn', nip: '5260250274', email: 'gesi@example.pl', description: 'x' });

    const { code, out } = await doctor([]);

    expect(code).toBe(0);
    expect(out).toMatch(/Login: ok in \d+ ms \(HTTP 200, text\/html; charset=UTF-8, with BOM\), domain answered: "demo"/);
    expect(out).toMatch(/Accounts +1 records +\d+ ms +\d+ bytes +array +HTTP 200 +text\/html; charset=UTF-8 +BOM/);
    expect(out).toContain('fields: id:number, name:string, nip:string, email:string, description:string');
    expect(out).toContain('read by the integration: id ok, name ok, nip ok, email ok, description ok');
    for (const module of ['Events', 'Opportunities', 'Quotes', 'SalesOrders', 'Invoices', 'Products']) expect(out).toMatch(new RegExp(`${module} +\\d+ records`));
    expect(out).toMatch(/\[unknown\] An edit .*\n.*\n.*csmart doctor --write --yes/);
    expect(saves()).toEqual([]);
  });

  it('--write without --yes says that CSMART documents no delete, and creates nothing', async () => {
    const { code, err } = await doctor(['--write']);

    expect(code).toBe(2);
    expect(err).toContain('CSMART documents no');
    expect(err).toContain('--write --yes');
    expect(sandbox.current.requests).toEqual([]);
  });

  it('--write --yes under the assumed behaviour: every assumption holds but the unprovokable error texts and the values in use (none yet), and no setting is asked for', async () => {
    const { code, out } = await doctor(['--write', '--yes', '--json']);
    const report = JSON.parse(out) as DoctorReport;

    expect(code).toBe(0);
    expect(report.checks.filter((c) => c.status !== 'holds').map((c) => c.id)).toEqual(['error-texts', 'value-vocabulary']);
    expect(report.settings).toEqual([]);
    expect(report.write?.created.map((r) => r.module)).toEqual(['Accounts', 'Events', 'Opportunities']);
    expect(report.write?.edits.map((e) => e.verdict)).toEqual(['merge', 'merge', 'merge']);
    expect(report.write?.longText).toEqual({ sent: 70_000, kept: 70_000 });
    expect(report.errorTextsLine?.line).toMatch(/^CSMART_ERROR_TEXTS='\{/);
    expect(readSettings({ CSMART_ERROR_TEXTS: report.errorTextsLine!.value }).errorTexts?.auth?.[0]).toMatch(/^Nieprawidłowy lub wygasły token/);
    expect(sandbox.current.store.list('Accounts').filter((a) => String(a.name).startsWith('csmart-connect doctor test'))).toHaveLength(1);
  });

  it('reads id-keyed lists with string ids as the same behaviour', async () => {
    Object.assign(sandbox.current.settings, { listShape: 'object', idType: 'string' });

    const report = JSON.parse((await doctor(['--write', '--yes', '--json'])).out) as DoctorReport;

    expect(report.modules.find((m) => m.module === 'Accounts')).toMatchObject({ shape: 'object', read: { id: 'present' } });
    expect(report.checks.filter((c) => c.status !== 'holds').map((c) => c.id)).toEqual(['error-texts', 'value-vocabulary']);
  });

  it('finds several deviations at once, with every settings line', async () => {
    Object.assign(sandbox.current.settings, { editMode: 'replace', fieldNames: { name: 'nazwa', nip: 'nip_klienta' }, nipMatch: 'exact' });

    const report = JSON.parse((await doctor(['--write', '--yes', '--json'])).out) as DoctorReport;

    expect(Object.fromEntries(report.settings.map((x) => [x.env, x.value]))).toEqual({
      CSMART_FIELD_NAMES: '{"name":"nazwa","nip":"nip_klienta"}', CSMART_EDIT_MODE: 'replace',
    });
    expect(report.checks.find((c) => c.id === 'nip-comparison')).toMatchObject({ status: 'holds', found: expect.stringContaining('handled automatically') });
  });

  const deviations: Record<string, string[]> = {
    'replace-on-edit': ['An edit (Save with id and only some fields) leaves the other fields alone'],
    'other-field-names': ['List records carry id, name, nip, email and description under exactly those names'],
    'strict-nip-exact': [],
    'required-on-edit': [],
    'other-error-texts': [
      "CSMART's answer to an expired or invalid token is recognised as one (so the client logs in again)",
      'Which error texts mean "log in again", "the data is wrong" and "try later" is known',
    ],
  };
  it.each(SANDBOX_MODES.map((m) => [m.name, m] as const))('in mode %s, names the deviation and prints the settings line', async (name, mode) => {
    Object.assign(sandbox.current.settings, mode.behaviour);

    const { code, out } = await doctor(['--write', '--yes']);

    expect(code).toBe(0);
    for (const assumption of deviations[name]!) expect(out).toContain(`[DOES NOT HOLD] ${assumption}`);
    expect(out.match(/\[DOES NOT HOLD\]/g) ?? []).toHaveLength(deviations[name]!.length);
    for (const env of Object.keys(mode.settings)) {
      const line = out.match(new RegExp(`      setting: (${env}=.*)\\n`))?.[1];
      expect(line, env).toBeDefined();
      expect(out).toMatch(new RegExp(`Settings for this CSMART.*\\n(  .*\\n)*  ${line!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    }
    if (Object.keys(mode.settings).length === 0) expect(out).toContain('No settings to change.');
  });

  it('in a CSMART that compares a task\'s NIP as stored text, reports it handled automatically and asks for no setting', async () => {
    sandbox.current.settings.nipMatch = 'exact';

    const report = JSON.parse((await doctor(['--write', '--yes', '--json'])).out) as DoctorReport;

    const check = report.checks.find((c) => c.id === 'nip-comparison')!;
    expect(check.status).toBe('holds');
    expect(check.found).toMatch(/"\d{10}" refused/);
    expect(check.found).toContain('handled automatically (tasks carry the NIP as stored)');
    expect(report.settings).toEqual([]);
  });

  it('tries a task edit without name, exactly as a bare cancellation is shaped, and reports whether CSMART requires name on edits', async () => {
    const bareEdits = () => sandbox.current.requests.filter((r) => r.module === 'Events' && r.action === 'Save' && r.params.id !== undefined && r.fields.join() === 'status');

    const assumed = JSON.parse((await doctor(['--write', '--yes', '--json'])).out) as DoctorReport;
    expect(assumed.write?.nameOnEdit).toEqual({ verdict: 'not required' });
    expect(assumed.checks.find((c) => c.id === 'name-on-edit')).toMatchObject({ status: 'holds', found: expect.stringContaining('CSMART does not require name on edits') });
    expect(bareEdits()).toHaveLength(1);

    sandbox.current.reset();
    sandbox.current.settings.requiredOnEdit = 'sent';
    const strict = JSON.parse((await doctor(['--write', '--yes', '--json'])).out) as DoctorReport;

    expect(strict.write?.nameOnEdit).toEqual({ verdict: 'required', error: 'Pole name jest wymagane.' });
    const check = strict.checks.find((c) => c.id === 'name-on-edit')!;
    expect(check.status).toBe('holds');
    expect(check.found).toContain('CSMART requires name on edits: handled automatically');
    expect(strict.settings).toEqual([]);
    expect(bareEdits()).toHaveLength(1);
  });

  it('prints a CSMART_ERROR_TEXTS line that the settings reader takes, keeping the texts already set', async () => {
    sandbox.current.settings.errorTexts = 'alternative';
    const configured = JSON.stringify({ transient: ['Przerwa serwisowa'] });

    const report = JSON.parse((await doctor(['--write', '--yes', '--json'], { CSMART_ERROR_TEXTS: configured })).out) as DoctorReport;

    const line = report.settings.find((s) => s.env === 'CSMART_ERROR_TEXTS')!;
    const texts = readSettings({ CSMART_ERROR_TEXTS: line.value }).errorTexts!;
    expect(texts.transient).toEqual(['Przerwa serwisowa']);
    expect(texts.auth).toEqual(expect.arrayContaining(['Odmowa dostępu (kod 401).', 'Odmowa dostępu: błędne dane.']));
    expect(texts.validation).toEqual(expect.arrayContaining(['nie istnieje.', 'Brak kontrahenta z tym NIP-em.', 'Brak rekordu.']));
  });

  it('finds other List field names read-only, by name, when there are records to look at', async () => {
    sandbox.current.store.put('Accounts', { name: 'Gęś i Syn', nip: '5260250274', email: 'gesi@example.pl', description: 'x' });
    Object.assign(sandbox.current.settings, SANDBOX_MODES.find((m) => m.name === 'other-field-names')!.behaviour);

    const report = JSON.parse((await doctor(['--json'])).out) as DoctorReport;

    expect(report.checks.find((c) => c.id === 'field-names')).toMatchObject({ status: 'does not hold', settings: [{ env: 'CSMART_FIELD_NAMES', value: '{"name":"nazwa","nip":"nip_klienta","email":"adres_email","description":"opis"}' }] });
  });

  it('shows the values in use of type and status, and where to change ours when none of them is in use', async () => {
    sandbox.current.store.put('Accounts', { name: 'A', type: 'Firma', nip: '5260250274', email: 'a@x.pl', description: '' });
    sandbox.current.store.put('Events', { name: 'T', status: 'nowe', description: '' });

    const { out } = await doctor([]);

    expect(out).toContain('type values: "Firma" ×1');
    expect(out).toContain('status values: "nowe" ×1');
    expect(out).toMatch(/\[unknown\] The values the integration writes.*\n.*\n.*change: .*Accounts\.type in the form setting `typeValues`/);
    expect(out).not.toMatch(/change: .*Events\.status in/);
  });

  it('says "already set" once the setting is applied', async () => {
    sandbox.current.settings.editMode = 'replace';
    const { out } = await doctor(['--write', '--yes'], { CSMART_EDIT_MODE: 'replace' });
    expect(out).toContain('change: Already set: CSMART replaces a record on edit');
  });

  it('fails with exit code 1 and the login refusal when the password is wrong, never printing secrets', async () => {
    const { code, out, err } = await doctor([], { CSMART_PASSWORD: 'wrong-password' });

    expect(code).toBe(1);
    expect(out).toContain('Login: FAILED — Nieprawidłowy login lub hasło.');
    expect(out + err).not.toContain('wrong-password');
    expect(out + err).not.toContain(sha1('wrong-password'));
  });

  it('reports an endpoint that redirects (http:// moved to https://) and where to, instead of following it', async () => {
    let requests = 0;
    const moved = createServer((request, response) => {
      requests++;
      request.resume();
      response.writeHead(301, { location: `https://crm.example.pl${request.url ?? ''}` }).end();
    });
    const port = await new Promise<number>((resolve) => moved.listen(0, '127.0.0.1', () => resolve((moved.address() as { port: number }).port)));
    try {
      const { code, out } = await doctor([], { CSMART_API_URL: `http://127.0.0.1:${port}/app/api.php` });
      expect(code).toBe(1);
      expect(out).toContain('Login: FAILED — a redirect to https://crm.example.pl/app/api.php?module=Login: set CSMART_API_URL to the address of its api.php');
      expect(requests).toBe(1);
    } finally {
      moved.close();
    }
  });

  it('never prints the password, its hash or the token', async () => {
    const { out, err } = await doctor(['--write', '--yes', '--json']);
    const text = out + err;
    expect(text).not.toContain(sandbox.demoCredentials.password);
    expect(text).not.toContain(sha1(sandbox.demoCredentials.password));
    expect(text).not.toMatch(/[0-9a-f]{32,}/);
  });
});
