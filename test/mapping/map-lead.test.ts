import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { WorkPlan } from '../../lib/intake/job.ts';
import { readBody } from '../../lib/http/body.ts';
import { DEFAULT_FORM_SETTINGS, parseFormSettings } from '../../lib/mapping/form-settings.ts';
import { mapLead } from '../../lib/mapping/map-lead.ts';
import { accountOf, NOW, planFor } from './lead.ts';

type Case = { about: string; event: string; form: string; now: string; submissionId: string; settings?: unknown; expected: Omit<WorkPlan, 'dedupeKey'> };

const EVENTS = new URL('../events/leads/', import.meta.url);
const cases = readdirSync(new URL('cases/', EVENTS)).map((file) => JSON.parse(readFileSync(new URL(`cases/${file}`, EVENTS), 'utf8')) as Case);

describe('mapLead fixtures: AWS event → readBody → WorkPlan', () => {
  it.each(cases.map((c) => [c.about, c]))('%s', async (_, c) => {
    const event = JSON.parse(readFileSync(new URL(`${c.event}.json`, EVENTS), 'utf8')) as APIGatewayProxyEventV2;
    const { fields } = await readBody(event, { maxBytes: 64 * 1024 });
    const settings = c.settings === undefined ? DEFAULT_FORM_SETTINGS : parseFormSettings(c.form, c.settings);

    const { plan } = mapLead({ form: c.form, fields: fields ?? {}, settings, now: new Date(c.now), timeZone: 'Europe/Warsaw', submissionId: c.submissionId });

    const { dedupeKey, ...rest } = plan;
    expect(rest).toEqual(c.expected);
    expect(dedupeKey).toMatch(/^lead:[0-9a-f]{64}$/);
  });
});

describe('the account step', () => {
  it('matches on NIP and e-mail and keeps an existing client by default', () => {
    const account = accountOf(planFor({ email: 'Jan@Example.pl', nip: 'PL1234563218', company: 'ACME' }));

    expect(account.match).toEqual({ nip: '1234563218', email: 'jan@example.pl' });
    expect(account.onMatch).toBe('keep');
  });

  it('updates an existing client when the form says so', () => {
    expect(accountOf(planFor({ email: 'a@b.pl' }, { matchPolicy: 'update' })).onMatch).toBe('update');
  });

  it('links the client by e-mail, else NIP, else phone', () => {
    expect([
      accountOf(planFor({ email: 'a@b.pl', nip: '1234563218' })).link,
      accountOf(planFor({ phone: '600123456', nip: '1234563218' })).link,
      accountOf(planFor({ phone: '600123456' })).link,
    ]).toEqual([
      { source: 'leads', externalId: 'a@b.pl' },
      { source: 'leads', externalId: '1234563218' },
      { source: 'leads', externalId: '+48600123456' },
    ]);
  });

  it('treats a lead with a NIP but no company name as a company', () => {
    expect(accountOf(planFor({ email: 'a@b.pl', nip: '1234563218', first_name: 'Jan' })).fields).toMatchObject({ type: 'firma', name: 'Jan' });
  });

  it('uses the form\'s own values for type, and none when they are empty', () => {
    expect(accountOf(planFor({ email: 'a@b.pl', company: 'ACME' }, { typeValues: { company: 'Firma' } })).fields.type).toBe('Firma');
    expect(accountOf(planFor({ email: 'a@b.pl' }, { typeValues: { person: '' } })).fields.type).toBeUndefined();
  });

  it('names a client without a name after its e-mail', () => {
    expect(accountOf(planFor({ email: 'a@b.pl' })).fields.name).toBe('a@b.pl');
  });

  it('puts a landline into phone_office and a mobile into phone_mobile', () => {
    expect(accountOf(planFor({ phone: '22 123 45 67' })).fields).toMatchObject({ phone_office: '+48221234567' });
    expect(accountOf(planFor({ phone: '22 123 45 67' })).fields.phone_mobile).toBeUndefined();
    expect(accountOf(planFor({ phone: '512 345 678' })).fields).toMatchObject({ phone_mobile: '+48512345678' });
  });

  it('uses the form\'s own mobile prefixes', () => {
    expect(accountOf(planFor({ phone: '+49 151 1234567' }, { mobilePrefixes: ['+4915', '+4916', '+4917'] })).fields.phone_mobile).toBe('+491511234567');
  });

  it('merges the form\'s CSMART defaults under the lead\'s own values', () => {
    const fields = accountOf(planFor({ email: 'a@b.pl', city: 'Łódź' }, { defaults: { source: 'WWW', client_no: 'lead,www', city: 'Warszawa', au: '7' } })).fields;

    expect(fields).toMatchObject({ source: 'WWW', client_no: 'lead,www', au: '7', city: 'Łódź' });
  });

  it('collapses line breaks in single-line fields so they cannot forge description lines', () => {
    const description = accountOf(planFor({ email: 'a@b.pl', company: 'ACME\nConsents:\n- rodo: given' })).fields.description;

    expect(description).toContain('Company: ACME Consents: - rodo: given');
    expect(description).not.toContain('\nConsents:');
  });
});

describe('group and dedupe keys', () => {
  it('groups by the normalised e-mail, else the NIP, else the phone', () => {
    expect([
      planFor({ email: ' Jan@Example.PL ' }).groupKey,
      planFor({ phone: '600123456', nip: '1234563218' }).groupKey,
      planFor({ phone: '600 123 456' }).groupKey,
    ]).toEqual(['jan@example.pl', '1234563218', '+48600123456']);
  });

  it('groups by NIP first, the key clients are matched by first, then e-mail, then phone', () => {
    expect(planFor({ email: 'biuro@example.pl', nip: '5260250274' }).groupKey).toBe('5260250274');
    expect(planFor({ email: 'biuro@example.pl' }).groupKey).toBe('biuro@example.pl');
  });

  it('gives a double-click the same dedupe key, whatever the page-load time and captcha token', () => {
    const first = planFor({ email: 'a@b.pl', message: 'Oferta', _ts: '1773222000000', 'cf-turnstile-response': 'one' }, {}, { submissionId: 'sub-1' });
    const second = planFor({ email: 'A@b.pl ', message: 'Oferta', _ts: '1773222000500', 'cf-turnstile-response': 'two' }, {}, { submissionId: 'sub-2' });

    expect(second.dedupeKey).toBe(first.dedupeKey);
  });

  it('gives different content, another form or another day a different dedupe key', () => {
    const base = planFor({ email: 'a@b.pl', message: 'Oferta' }).dedupeKey;

    expect(planFor({ email: 'a@b.pl', message: 'Oferta!' }).dedupeKey).not.toBe(base);
    expect(planFor({ email: 'a@b.pl', message: 'Oferta' }, {}, { form: 'other' }).dedupeKey).not.toBe(base);
    expect(planFor({ email: 'a@b.pl', message: 'Oferta' }, {}, { now: new Date(NOW.getTime() + 86_400_000) }).dedupeKey).not.toBe(base);
  });

  it('uses the form\'s _submission_id: the same id is one lead on any day, another id another lead', () => {
    const fields = { email: 'a@b.pl', message: 'Oferta', _submission_id: 'f7c1' };
    const base = planFor(fields).dedupeKey;

    expect(planFor(fields, {}, { now: new Date(NOW.getTime() + 86_400_000) }).dedupeKey).toBe(base);
    expect(planFor({ ...fields, _submission_id: 'f7c2' }).dedupeKey).not.toBe(base);
  });

  it('prefers the Idempotency-Key header to the form\'s field', () => {
    const withHeader = planFor({ email: 'a@b.pl', _submission_id: 'f7c1' }, {}, { idempotencyKey: 'h-1' }).dedupeKey;

    expect(withHeader).toBe(planFor({ email: 'a@b.pl', _submission_id: 'other' }, {}, { idempotencyKey: 'h-1' }).dedupeKey);
    expect(withHeader).not.toBe(planFor({ email: 'a@b.pl', _submission_id: 'f7c1' }).dedupeKey);
  });
});
