import { PassThrough } from 'node:stream';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../bin/doctor/report.ts';
import { runCli } from '../../bin/cli.ts';
import { coldStart, leads, webhooks, worker } from '../support/functions.ts';
import { readSettings } from '../../lib/config/settings.ts';
import { createErrorClassifier } from '../../lib/csmart/known-errors.ts';
import { messagesOf } from '../../sandbox/api.ts';
import { ALTERNATIVE_MESSAGES } from '../../sandbox/messages.ts';
import { httpEvent, jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SANDBOX_MODES, type SandboxMode } from '../support/sandbox-modes.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import { eventBytes } from '../providers/support/fixtures.ts';
import { calendlySignature, standardHeaders } from '../providers/support/signing.ts';

/**
 * The integration adapts: in each alternative behaviour of the sandbox, `csmart doctor --write` is run,
 * the settings it prints are applied, and representative lead and webhook deliveries then land exactly
 * as under the assumed behaviour — no field blanked by an update, no duplicate, nothing parked.
 * Without those settings the same deliveries go wrong, so each setting is shown to matter.
 */
const SECRETS = { calendly: 'calendly-signing-key', erp: `whsec_${Buffer.from('erp-standard-webhooks-key-01').toString('base64')}` };
const stack = useDeliveryStack({
  parameters: {
    [`${SSM_PREFIX}secrets/calendly`]: SECRETS.calendly,
    [`${SSM_PREFIX}secrets/erp`]: SECRETS.erp,
    [`${SSM_PREFIX}forms/update`]: JSON.stringify({ matchPolicy: 'update', followUps: { task: {} } }),
  },
});
const store = () => stack.sandbox.current.store;
const parkedReason = () => stack.dlq().messages()[0]?.messageAttributes.reason?.StringValue;
const now = () => Math.floor(Date.now() / 1000);

const lead = (event: APIGatewayProxyEventV2) => leads(event, lambdaContext('leads'));
const webhook = (source: 'calendly' | 'erp', name: string) => {
  const body = name.startsWith('calendar') ? eventBytes('standard', name) : eventBytes('calendly', name);
  const headers = source === 'calendly'
    ? { 'calendly-webhook-signature': calendlySignature(body, SECRETS.calendly, now()) }
    : standardHeaders(body, SECRETS.erp, `msg_${name}`, now());
  return webhooks(httpEvent({ method: 'POST', path: `/webhooks/${source}`, routeKey: 'POST /webhooks/{source}', pathParameters: { source }, headers: { 'content-type': 'application/json', ...headers }, body }), lambdaContext('webhooks'));
};
const updateForm = (data: Record<string, string>) => jsonPost('/leads/update', data, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'update' } });

/** A client a salesperson typed in, NIP with dashes and prefix, fields a lead never carries. */
const staffClient = (nip: string) => store().put('Accounts', {
  name: 'Zakład Usług Łódź', nip, email: 'zaneta@example.pl', phone_office: '+48221112233',
  address: 'ul. Piotrkowska 1', description: 'Notatka handlowca: dzwonić po 10.',
});

const applied: string[] = [];
function applySettings(settings: Record<string, string>) {
  for (const [env, value] of Object.entries(settings)) {
    process.env[env] = value;
    applied.push(env);
  }
  coldStart();
}
afterEach(() => {
  for (const env of applied.splice(0)) delete process.env[env];
  coldStart();
});

/** Runs `csmart doctor --write --yes --json` against the sandbox in its current behaviour. */
async function doctorSettings(): Promise<Record<string, string>> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => (text += chunk));
  const code = await runCli(['doctor', '--write', '--yes', '--json'], { out, err: new PassThrough(), env: process.env });
  expect(code).toBe(0);
  const report = JSON.parse(text) as DoctorReport;
  return Object.fromEntries(report.settings.map((s) => [s.env, s.value]));
}

/** The sandbox in a mode, with the doctor's test records gone again so each scenario starts clean. */
async function enterMode(mode: SandboxMode | undefined, withSettings: boolean): Promise<Record<string, string>> {
  const sandbox = stack.sandbox.current;
  Object.assign(sandbox.settings, mode?.behaviour);
  const settings = await doctorSettings();
  sandbox.reset();
  Object.assign(sandbox.settings, mode?.behaviour);
  if (withSettings) applySettings(settings);
  return settings;
}

const SCENARIOS: [string, () => Promise<void>][] = [
  ['a lead for an existing client under matchPolicy update edits it without blanking what sales staff wrote', async () => {
    staffClient('526-025-02-74');
    expect((await lead(updateForm({ company: 'Zakład Usług Łódź', email: 'zaneta@example.pl', nip: '5260250274', city: 'Łódź', message: 'Proszę o ofertę' }))).statusCode).toBe(202);
    await stack.drain(worker);
    const clients = store().list('Accounts');
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({ name: 'Zakład Usług Łódź', phone_office: '+48221112233', address: 'ul. Piotrkowska 1', city: 'Łódź' });
    expect(clients[0]?.description).toContain('Notatka handlowca');
    expect(clients[0]?.description).toContain('Proszę o ofertę');
    expect(store().list('Events')).toHaveLength(1);
    expect(stack.dlq().counts().total).toBe(0);
  }],
  ['a lead for a client whose NIP was typed with dashes and PL gets its task tied to that client', async () => {
    staffClient('PL 526-025-02-74');
    expect((await lead(jsonPost('/leads', { company: 'Zakład Usług Łódź', email: 'zaneta@example.pl', nip: '5260250274' }))).statusCode).toBe(202);
    await stack.drain(worker);
    expect(store().list('Accounts')).toHaveLength(1);
    expect(store().list('Events')).toEqual([expect.objectContaining({ nip: expect.stringMatching(/^(PL )?526-?025-?02-?74$/) })]);
    expect(stack.dlq().counts().total).toBe(0);
  }],
  ['a Calendly booking and its cancellation close one task that keeps its subject and time', async () => {
    for (const name of ['invitee-created', 'invitee-canceled']) {
      expect((await webhook('calendly', name)).statusCode).toBe(200);
      await stack.drain(worker);
    }
    const tasks = store().list('Events');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ status: 'zamknięte', name: expect.any(String), date_start: expect.any(String), time_start: expect.any(String) });
    expect(stack.dlq().counts().total).toBe(0);
  }],
  ['a signed calendar event naming a known client by NIP lands as that client\'s task', async () => {
    staffClient('526-025-09-95');
    expect((await webhook('erp', 'calendar-event-created')).statusCode).toBe(200);
    await stack.drain(worker);
    expect(store().list('Events')).toEqual([expect.objectContaining({ nip: expect.stringMatching(/^526-?025-?09-?95$/) })]);
    expect(stack.dlq().counts().total).toBe(0);
  }],
  ['leads keep landing after CSMART expires the token', async () => {
    await lead(jsonPost('/leads', { email: 'pierwszy@example.pl', first_name: 'Jan', last_name: 'Nowak' }));
    await stack.drain(worker);
    stack.sandbox.current.expireTokens();
    await lead(jsonPost('/leads', { email: 'drugi@example.pl', first_name: 'Ewa', last_name: 'Nowak' }));
    await stack.drain(worker);
    expect(store().list('Accounts').map((a) => a.email).sort()).toEqual(['drugi@example.pl', 'pierwszy@example.pl']);
    expect(stack.dlq().counts().total).toBe(0);
  }],
  ['a lead whose client CSMART refuses is parked at once with CSMART\'s reason', async () => {
    // A refusal about the data in this CSMART's words, one the doctor provokes (an edit of a missing record).
    const refusal = messagesOf(stack.sandbox.current.settings).unknownRecord;
    stack.sandbox.current.faults.add({ kind: 'error', text: refusal, module: 'Accounts', action: 'Save', count: -1 });
    await lead(jsonPost('/leads', { email: 'odmowa@example.pl', first_name: 'Jan', last_name: 'Nowak' }));
    await stack.drain(worker);
    expect(parkedReason()).toBe(`validation: CSMART Accounts/Save refused: ${refusal}`);
  }],
  ['a task whose answer was lost is found again by its marker, not created twice', async () => {
    stack.sandbox.current.faults.add({ kind: 'drop', module: 'Events', action: 'Save', processed: true });
    await lead(jsonPost('/leads', { email: 'zgubiona@example.pl', first_name: 'Ola', last_name: 'Kowal' }));
    await stack.drain(worker);
    expect(store().list('Events')).toHaveLength(1);
    expect(store().list('Accounts')).toHaveLength(1);
  }],
];

describe('under the assumed behaviour', () => {
  it('the doctor asks for no setting', async () => {
    expect(await enterMode(undefined, true)).toEqual({});
  });
  it.each(SCENARIOS)('%s', async (_name, scenario) => {
    await enterMode(undefined, true);
    await scenario();
  });
});

describe.each(SANDBOX_MODES.map((mode) => [mode.name, mode] as const))('in mode %s, with the settings the doctor prints', (_name, mode) => {
  it('the doctor prints exactly the settings of the mode', async () => {
    const settings = await enterMode(mode, false);
    expect(Object.keys(settings).sort()).toEqual(Object.keys(mode.settings).sort());
    for (const [env, value] of Object.entries(mode.settings)) {
      if (env === 'CSMART_ERROR_TEXTS') expect(kindsOf(settings[env]!)).toEqual(kindsOf(value));
      else expect(settings[env]).toBe(value);
    }
  });
  it.each(SCENARIOS)('%s', async (_name, scenario) => {
    await enterMode(mode, true);
    await scenario();
  });
});

/**
 * How the client reads each alternative error text the doctor can provoke (an expired token, a wrong
 * password, an unknown module, record or NIP) with a CSMART_ERROR_TEXTS value, as main's reader takes it.
 */
function kindsOf(errorTexts: string): Record<string, string> {
  const classify = createErrorClassifier({ extra: readSettings({ CSMART_ERROR_TEXTS: errorTexts }).errorTexts });
  const texts = { badToken: ALTERNATIVE_MESSAGES.badToken, loginFailed: ALTERNATIVE_MESSAGES.loginFailed, unknownModule: ALTERNATIVE_MESSAGES.unknownModule('Leads'), unknownRecord: ALTERNATIVE_MESSAGES.unknownRecord, accountNipNotFound: ALTERNATIVE_MESSAGES.accountNipNotFound };
  return Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, classify(text)]));
}

/** What goes wrong in each mode without its settings: the reason the settings exist. */
const BREAKS: Record<string, { scenario: number; symptom: string; shows: () => boolean }> = {
  'replace-on-edit': { scenario: 0, symptom: 'the update blanks the phone and address sales staff typed in', shows: () => store().list('Accounts')[0]?.phone_office === undefined && store().list('Accounts')[0]?.address === undefined },
  'other-field-names': { scenario: 0, symptom: 'the client is not found by NIP or e-mail and is created twice', shows: () => store().list('Accounts').length === 2 },
  'other-error-texts': { scenario: 5, symptom: "CSMART's refusal of a lead's data reads as an outage: retried for hours, then parked without CSMART's reason", shows: () => stack.dlq().counts().total === 1 && parkedReason() === undefined },
};
/** A strict NIP comparison needs no setting (tasks always carry the NIP as stored): nothing to go without. */
describe.each(SANDBOX_MODES.filter((mode) => Object.keys(mode.settings).length > 0).map((mode) => [mode.name, mode] as const))('in mode %s, without those settings', (_name, mode) => {
  const broken = BREAKS[mode.name]!;
  it(`a representative delivery goes wrong: ${broken.symptom}`, async () => {
    await enterMode(mode, false);
    const [name, scenario] = SCENARIOS[broken.scenario]!;
    await expect(scenario(), name).rejects.toThrow();
    expect(broken.shows()).toBe(true);
  });
});
