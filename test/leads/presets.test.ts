import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leads as handler, worker } from '../support/functions.ts';
import { httpEvent } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';

const GRAVITY_MAPPING = { '1.3': 'first_name', '1.6': 'last_name', 2: 'email', 3: 'phone', 4: 'company', 5: 'nip', 6: 'message', '7.1': 'consent_rodo', '7.2': 'consent_rodo_text' };
const BUILDERS = [
  // [form and preset, recorded body, content type as the builder sends it]
  ['cf7', 'cf7.json', 'application/json; charset=UTF-8', {}],
  ['elementor', 'elementor-advanced.txt', 'application/x-www-form-urlencoded', {}],
  ['wpforms', 'wpforms.json', 'application/json', {}],
  ['gravityforms', 'gravityforms.json', 'application/json', { mapping: GRAVITY_MAPPING }],
] as const;

const stack = useDeliveryStack({
  parameters: Object.fromEntries(BUILDERS.map(([preset, , , extra]) => [
    `${SSM_PREFIX}forms/wp-${preset}`,
    JSON.stringify({ preset, required: ['email', 'consent_rodo'], enrich: 'off', followUps: { task: {} }, ...extra }),
  ])),
});

const post = (form: string, file: string, contentType: string) => handler(httpEvent({
  method: 'POST', path: `/leads/${form}`, routeKey: 'POST /leads/{form}', pathParameters: { form },
  // A WordPress server's request: no Origin, no browser Accept header. HTTP APIs base64 the form bodies.
  headers: { 'content-type': contentType, 'user-agent': 'WordPress/6.9; https://www.example.pl' },
  body: readFileSync(new URL(`../events/leads/presets/${file}`, import.meta.url)),
}), lambdaContext('leads'));

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
});
