import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../lib/errors/refusal.ts';
import { parseSourceSettings, providerFor, WebhookSettingsError, WebhookSignatureError } from '../../lib/providers/index.ts';
import { mapGraphLead } from '../../lib/providers/meta/map.ts';
import { answerChallenge } from '../../lib/providers/meta/challenge.ts';
import { answered, contextFor, planOf, request, thrown } from './support/context.ts';
import { eventBytes, eventJson } from './support/fixtures.ts';

const KEY = 'google-ads-form-key';
const APP_SECRET = 'meta-app-secret';
const google = (body: Buffer, settings = {}) => providerFor('google-ads').handle(request('google-ads', body, {}), contextFor('google-ads', [KEY], { settings }));
const googleBody = (patch: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...eventJson('google-ads', 'lead'), ...patch }));

describe('google-ads', () => {
  it('maps the columns through the shared vocabulary; custom questions by their name; dedupe by lead_id', () => {
    const plan = planOf(google(eventBytes('google-ads', 'lead')));
    expect(plan.dedupeKey).toBe('lead:Cj0KCQiA-lead-0001-PL');
    expect(plan.steps[0]).toMatchObject({
      kind: 'account', match: { nip: '7770001111', email: 'anna.nowak@przyklad.pl' },
      fields: { name: 'Przykład Sp. z o.o.', email: 'anna.nowak@przyklad.pl', phone_mobile: '+48600123456', nip: '7770001111', postal_code: '90-001', city: 'Łódź' },
    });
    expect(plan.steps[0]?.fields.description).toMatch(/Person: Anna Nowak[\s\S]*Ilu macie handlowców\?: 5-10[\s\S]*google_campaign_id: 20000000001/);
  });

  it('reads Google\'s documented test lead (numbers as ids, a US phone and postal code) without refusing it', () => {
    const result = providerFor('google-ads').handle(request('google-ads', eventBytes('google-ads', 'test-lead'), {}), contextFor('google-ads', [KEY], { settings: { deliverTestLeads: true } }));
    const step = planOf(result).steps[0]!;
    expect(step).toMatchObject({ fields: { name: 'CompanyName', email: 'test@example.com', phone_office: '+16505550123' } });
    expect(step.fields.description).toContain('Work Email: work-test@example.com');
  });

  it('keeps a NIP with a wrong checksum in the description instead of refusing the lead (nobody can correct an ad lead)', () => {
    const columns = [...eventJson('google-ads', 'lead').user_column_data.filter((c: { column_id: string }) => c.column_id !== 'nip_firmy'), { column_name: 'NIP', string_value: '1234567890', column_id: 'nip' }];
    const step = planOf(google(googleBody({ user_column_data: columns }))).steps[0]!;
    expect(step.fields).not.toHaveProperty('nip');
    expect(step.fields.description).toContain('NIP (unchecked): 1234567890');
  });

  it('refuses a lead without e-mail or phone (422), and ignores fields Google adds later', () => {
    expect(thrown(() => google(googleBody({ user_column_data: [{ column_id: 'FULL_NAME', string_value: 'Anna' }] })))).toBeInstanceOf(InputValidationError);
    expect(planOf(google(googleBody({ lead_stage: 'QUALIFIED', something_new: { a: 1 } }))).dedupeKey).toBe('lead:Cj0KCQiA-lead-0001-PL');
  });

  it.each([
    ['missing', { google_key: undefined }, 'signature_missing'],
    ['wrong', { google_key: 'x' }, 'signature_invalid'],
    ['not text', { google_key: 42 }, 'signature_missing'],
  ])('refuses a %s key with a WebhookSignatureError before validating anything else', (_, patch, code) => {
    const error = thrown(() => google(googleBody({ ...patch, lead_id: undefined })));
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as WebhookSignatureError).code).toBe(code);
  });

  it('needs a configured key', () => {
    expect(thrown(() => providerFor('google-ads').handle(request('google-ads', eventBytes('google-ads', 'lead'), {}), contextFor('google-ads', [])))).toBeInstanceOf(WebhookSettingsError);
  });

  it('checks its lead settings with the lead-form rules, naming the setting', () => {
    expect(() => parseSourceSettings('google-ads', { lead: { followUps: { task: { time: '25:00' } } } })).toThrow(/lead/);
    expect(() => parseSourceSettings('google-ads', { leads: {} })).toThrow(/leads/);
    expect(parseSourceSettings('google-ads', {})).toMatchObject({ enrich: 'fill-empty', deliverTestLeads: false, lead: {} });
  });
});

const sign = (body: Buffer, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const meta = (body: Buffer, headers: Record<string, string>, settings = {}) => providerFor('meta').handle(request('meta', body, headers), contextFor('meta', [APP_SECRET], { settings }));

describe('meta', () => {
  it('turns a signed leadgen notification into work whose lead the worker fetches, deduplicated by its lead ids', () => {
    const body = eventBytes('meta', 'leadgen');
    const plan = planOf(meta(body, { 'x-hub-signature-256': sign(body) }, { lead: { defaults: { source: 'Facebook' } } }));
    expect(plan).toEqual({
      kind: 'leadgen', groupKey: 'leadgen:444444444444', dedupeKey: 'leadgen:444444444444', steps: [],
      fetchLeads: { from: 'meta', settings: { defaults: { source: 'Facebook' } }, leads: [{ leadgenId: '444444444444', pageId: '153125381133', formId: '444444444444', adId: '444444444', createdTime: 1773331200 }] },
    });
  });

  it.each([
    ['missing', {}, 'signature_missing'],
    ['signed with another secret', { 'x-hub-signature-256': sign(eventBytes('meta', 'leadgen'), 'other') }, 'signature_invalid'],
    ['SHA-1 only', { 'x-hub-signature-256': `sha1=${createHmac('sha1', APP_SECRET).update(eventBytes('meta', 'leadgen')).digest('hex')}` }, 'signature_invalid'],
  ])('refuses a notification whose signature is %s', (_, headers, code) => {
    const error = thrown(() => meta(eventBytes('meta', 'leadgen'), headers));
    expect((error as WebhookSignatureError).code).toBe(code);
  });

  it('ignores other Page fields and objects', () => {
    const other = Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: '1', time: 1, changes: [{ field: 'feed', value: {} }] }] }));
    expect(meta(other, { 'x-hub-signature-256': sign(other) }).outcome).toBe('ignored');
    const user = Buffer.from(JSON.stringify({ object: 'user', entry: [] }));
    expect(meta(user, { 'x-hub-signature-256': sign(user) }).outcome).toBe('ignored');
  });

  it('maps a Graph lead\'s field_data through the shared vocabulary, work e-mail and phone included', () => {
    const lead = { id: '9', field_data: [{ name: 'full_name', values: ['Ewa Nowak'] }, { name: 'work_email', values: ['Ewa@Firma.pl'] }, { name: 'work_phone_number', values: ['500100200'] }, { name: 'zip_code', values: ['00-001'] }] };
    const plan = mapGraphLead(lead, { settings: {}, now: new Date('2026-03-12T16:00:00Z'), timeZone: 'Europe/Warsaw' });
    expect(plan.dedupeKey).toBe('lead:9');
    expect(plan.steps[0]).toMatchObject({ fields: { name: 'Ewa Nowak', email: 'ewa@firma.pl', phone_mobile: '+48500100200', postal_code: '00-001' } });
  });

  it('keeps the work e-mail and phone in the description when the form also asks the plain ones, which are the client\'s', () => {
    const lead = { id: '10', field_data: [
      { name: 'full_name', values: ['Ewa Nowak'] }, { name: 'work_email', values: ['ewa@firma.pl'] }, { name: 'email', values: ['ewa.nowak@gmail.com'] },
      { name: 'work_phone_number', values: ['+48221234567'] }, { name: 'phone_number', values: ['+48500100200'] },
    ] };
    const plan = mapGraphLead(lead, { settings: {}, now: new Date('2026-03-12T16:00:00Z'), timeZone: 'Europe/Warsaw' });
    const fields = (plan.steps[0] as { fields: Record<string, string> }).fields;
    expect(fields).toMatchObject({ email: 'ewa.nowak@gmail.com', phone_mobile: '+48500100200' });
    expect(fields.description).toContain('work_email: ewa@firma.pl');
    expect(fields.description).toContain('work_phone_number: +48221234567');
  });

  it('answers the subscription handshake only with the configured token, in constant time', () => {
    expect(answerChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 't0k', 'hub.challenge': '123' }, 't0k')).toBe('123');
    for (const [query, token, status] of [
      [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': '1' }, 't0k', 403],
      [{ 'hub.mode': 'subscribe', 'hub.verify_token': 't0k', 'hub.challenge': '1' }, undefined, 403],
      [{ 'hub.mode': 'unsubscribe', 'hub.verify_token': 't0k', 'hub.challenge': '1' }, 't0k', 400],
      [{ 'hub.mode': 'subscribe', 'hub.verify_token': 't0k', 'hub.challenge': '<script>' }, 't0k', 400],
    ] as const) {
      expect(answered(() => answerChallenge(query, token)).status).toBe(status);
    }
  });
});
