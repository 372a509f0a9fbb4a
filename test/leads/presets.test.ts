import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leads as handler, worker } from '../support/functions.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';
import type { DeliveryJob } from '../../lib/intake/job.ts';

const GRAVITY_MAPPING = { '1.3': 'first_name', '1.6': 'last_name', 2: 'email', 3: 'phone', 4: 'company', 5: 'nip', 6: 'message', '7.1': 'consent_rodo', '7.2': 'consent_rodo_text' };
const BUILDERS = [
  // [form and preset, recorded body, content type as the builder sends it]
  ['cf7', 'cf7.json', 'application/json; charset=UTF-8', {}],
  ['elementor', 'elementor-advanced.txt', 'application/x-www-form-urlencoded', {}],
  ['wpforms', 'wpforms.json', 'application/json', {}],
  ['gravityforms', 'gravityforms.json', 'application/json', { mapping: GRAVITY_MAPPING }],
] as const;

const stack = useDeliveryStack({
  parameters: {
    ...Object.fromEntries(BUILDERS.map(([preset, , , extra]) => [
      `${SSM_PREFIX}forms/wp-${preset}`,
      JSON.stringify({ preset, required: ['email', 'consent_rodo'], enrich: 'off', followUps: { task: {} }, ...extra }),
    ])),
    // Thank-you and error pages set, as on a form first made for a plain HTML post.
    [`${SSM_PREFIX}forms/wp-elementor-pages`]: JSON.stringify({
      preset: 'elementor', thankYouUrl: 'https://www.example.pl/dziekujemy', errorUrl: 'https://www.example.pl/blad', enrich: 'off',
    }),
  },
});

const recorded = (file: string) => readFileSync(new URL(`../events/leads/presets/${file}`, import.meta.url), 'utf8');
const postBody = (form: string, body: string, contentType: string) => handler(httpEvent({
  method: 'POST', path: `/leads/${form}`, routeKey: 'POST /leads/{form}', pathParameters: { form },
  // A WordPress server's request: no Origin, no browser Accept header. HTTP APIs base64 the form bodies.
  headers: { 'content-type': contentType, 'user-agent': 'WordPress/6.9; https://www.example.pl' },
  body,
}), lambdaContext('leads'));
const post = (form: string, file: string, contentType: string) => postBody(form, recorded(file), contentType);
const FORM = 'application/x-www-form-urlencoded';

describe('POST /leads/{form} from WordPress form builders', () => {
  it.each(BUILDERS)('turns a %s webhook into one CSMART client and its task, and a resend into nothing new', async (preset, file, contentType) => {
    const answer = await post(`wp-${preset}`, file, contentType);
    expect(answer.statusCode).toBeLessThan(300);
    await stack.drain(worker);
    expect((await post(`wp-${preset}`, file, contentType)).statusCode).toBeLessThan(300);
    await stack.drain(worker);
    expect(stack.sandbox.current.store.list('Accounts')).toEqual([expect.objectContaining({
      email: 'anna.nowak@example.pl', phone_mobile: '+48600123456', nip: expect.stringMatching(/^7770001111$/),
      description: expect.stringMatching(/rodo: given at/),
    })]);
    expect(stack.sandbox.current.store.list('Events')).toHaveLength(1);
  });

  it('answers an Elementor post with 200 JSON, never a redirect to the form\'s thank-you page', async () => {
    const answer = await post('wp-elementor-pages', 'elementor-advanced.txt', FORM);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body ?? '')).toMatchObject({ status: 'accepted', id: expect.any(String) });
  });

  it('answers 200 to an Elementor post of auto-generated field ids labelled in Polish, where the e-mail and phone fields are known by their type', async () => {
    const field = (id: string, type: string, title: string, value: string) => ['id', 'type', 'title', 'value']
      .map((sub) => `${encodeURIComponent(`fields[${id}][${sub}]`)}=${encodeURIComponent({ id, type, title, value }[sub]!)}`).join('&');
    const body = [field('field_5a1c9e2', 'email', 'Twój e-mail', 'anna@example.pl'), field('field_7b', 'tel', 'Nr tel.', '600123456'), 'form%5Bname%5D=Kontakt'].join('&');

    const answer = await postBody('wp-elementor-pages', body, FORM);

    expect(answer.statusCode).toBe(200);
    const [job] = stack.queue().messages().map((m) => JSON.parse(m.body) as DeliveryJob);
    expect(job?.steps[0]?.fields).toMatchObject({ email: 'anna@example.pl', phone_mobile: '+48600123456' });
  });

  it('answers an Elementor post it refuses with 422 JSON naming the field, never a redirect to the error page WordPress would follow to a 200', async () => {
    const body = recorded('elementor-advanced.txt').replaceAll('=600+123+456&', '=600+123+456+wew.+12&');
    const answer = await postBody('wp-elementor-pages', body, FORM);
    expect(answer.statusCode).toBe(422);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body ?? '')).toMatchObject({ error: { code: 'phone_invalid', field: 'phone' } });
    expect(stack.queue().messages()).toHaveLength(0);
  });

  it('accepts a CF7 post with file contents and a WPForms post with a Date/Time object, leaving out the file and reading the date', async () => {
    const cf7 = { ...JSON.parse(recorded('cf7.json')), 'file-cv': [{ filename: 'brief.pdf', content: 'JVBERi0xLjQK' }] };
    const wpforms = { ...JSON.parse(recorded('wpforms.json')), termin: { value: '2026-03-20 10:00', unix: 1773997200 } };

    expect((await postBody('wp-cf7', JSON.stringify(cf7), 'application/json; charset=UTF-8')).statusCode).toBe(202);
    expect((await postBody('wp-wpforms', JSON.stringify(wpforms), 'application/json')).statusCode).toBe(202);
    const descriptions = stack.queue().messages().map((m) => (JSON.parse(m.body) as DeliveryJob).steps[0]?.fields.description);
    expect(descriptions).toEqual([expect.not.stringContaining('JVBER'), expect.stringContaining('termin: 2026-03-20 10:00')]);
  });

  it('keeps a Gravity Forms lead with an unusable phone and NIP (its sender ignores a 422), noting them for a person to check', async () => {
    const entry = { ...JSON.parse(recorded('gravityforms.json')), 3: '600 123 456 wew. 12', 5: 'NIP: 7770001111' };

    expect((await postBody('wp-gravityforms', JSON.stringify(entry), 'application/json')).statusCode).toBe(202);
    await stack.drain(worker);
    const [account] = stack.sandbox.current.store.list('Accounts');
    expect(account).toMatchObject({ email: 'anna.nowak@example.pl', description: expect.stringContaining('- phone: 600 123 456 wew. 12\n- nip: NIP: 7770001111') });
    expect(account).not.toHaveProperty('nip', expect.anything());
    expect(account).not.toHaveProperty('phone_mobile', expect.anything());
  });

  it('still answers 422 to a Gravity Forms lead with neither a usable e-mail nor phone, and stores nothing', async () => {
    const entry = { ...JSON.parse(recorded('gravityforms.json')), 2: 'anna(at)example.pl', 3: 'zadzwoń po 16' };
    const answer = await postBody('wp-gravityforms', JSON.stringify(entry), 'application/json');

    expect(answer.statusCode).toBe(422);
    expect(JSON.parse(answer.body ?? '')).toMatchObject({
      error: { code: 'invalid_fields', field: 'email' },
      errors: [{ code: 'email_invalid', field: 'email' }, { code: 'phone_invalid', field: 'phone' }],
    });
    expect(stack.queue().messages()).toHaveLength(0);
  });
});
