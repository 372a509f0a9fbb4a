import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { leads, worker } from '../support/functions.ts';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { useMetricLines } from '../support/metric-lines.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';

const DAILY_LIMIT = 3;
const stack = useDeliveryStack({
  parameters: {
    [`${SSM_PREFIX}forms/fill`]: JSON.stringify({ required: ['email'] }),
    [`${SSM_PREFIX}forms/prefer`]: JSON.stringify({ required: ['email'], enrich: 'prefer-register', matchPolicy: 'update' }),
    [`${SSM_PREFIX}forms/off`]: JSON.stringify({ required: ['email'], enrich: 'off' }),
  },
  env: { CSMART_VAT_REGISTER_DAILY_LIMIT: String(DAILY_LIMIT) },
});

/** The NIPs of the fake register: one company, one sole trader; 1112223332 passes the checksum but is unknown. */
const COMPANY_NIP = '7770001111';
const TRADER_NIP = '9517538522';
const UNKNOWN_NIP = '1112223332';

const post = (form: string, data: Record<string, string>) =>
  leads(jsonPost(`/leads/${form}`, data, { routeKey: 'POST /leads/{form}', pathParameters: { form } }), lambdaContext('leads'));
const accounts = () => stack.sandbox.current.store.list('Accounts');
const registerCalls = () => stack.register.requests.length;

const metricLines = useMetricLines();

/** The `Enrichment` metric values published, by outcome. */
function enrichmentCounts(): string[] {
  return metricLines().flatMap((emf) =>
    emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.filter((metric) => metric.Name === 'Enrichment').map(() => String(emf.outcome))));
}

async function deliver(form: string, data: Record<string, string>) {
  expect((await post(form, data)).statusCode).toBe(202);
  await stack.drain(worker);
  expect(stack.dlq().counts().total).toBe(0);
}

describe('NIP enrichment from the VAT register, in the worker', () => {
  it('fill-empty (the default): fills the official name and address the person left empty, REGON and VAT status in the description', async () => {
    await deliver('fill', { email: 'biuro@przyklad.pl', nip: COMPANY_NIP });
    expect(accounts()).toEqual([expect.objectContaining({
      name: 'PRZYKŁADOWA SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ', nip: COMPANY_NIP, address: 'UL. PIOTRKOWSKA 100', postal_code: '90-001', city: 'ŁÓDŹ',
      description: expect.stringMatching(/VAT register \(\d{4}-\d{2}-\d{2}\): PRZYKŁADOWA .*REGON 123456785; KRS 0000123456; VAT status: Czynny/),
    })]);
    expect(stack.register.requests).toEqual([expect.stringMatching(new RegExp(`^/api/search/nip/${COMPANY_NIP}\\?date=\\d{4}-\\d{2}-\\d{2}$`))]);
    expect(enrichmentCounts()).toEqual(['found']);
  });

  it('fill-empty never overwrites what the person typed', async () => {
    await deliver('fill', { email: 'jan@kowalski.pl', company: 'Kowalski IT', city: 'Kraków', nip: TRADER_NIP });
    expect(accounts()).toEqual([expect.objectContaining({ name: 'Kowalski IT', city: 'Kraków', description: expect.stringContaining('VAT status: Zwolniony') })]);
    expect(accounts()[0]?.address).toBeUndefined();
  });

  it('prefer-register: the register\'s name and address win, and what was typed stays in the description', async () => {
    await deliver('prefer', { email: 'biuro@przyklad.pl', company: 'Przykład', address: 'Piotrkowska 1', city: 'Łódź', nip: COMPANY_NIP });
    expect(accounts()).toEqual([expect.objectContaining({
      name: 'PRZYKŁADOWA SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ', address: 'UL. PIOTRKOWSKA 100', postal_code: '90-001', city: 'ŁÓDŹ',
      description: expect.stringContaining('As typed in the lead: name: Przykład; address: Piotrkowska 1, Łódź'),
    })]);
  });

  it('off: the register is not asked', async () => {
    await deliver('off', { email: 'biuro@przyklad.pl', company: 'Przykład', nip: COMPANY_NIP });
    expect(accounts()).toEqual([expect.objectContaining({ name: 'Przykład' })]);
    expect(registerCalls()).toBe(0);
  });

  it('records a NIP the register does not know in the description, and delivers the lead as typed', async () => {
    await deliver('fill', { email: 'nowa@firma.pl', company: 'Nowa firma', nip: UNKNOWN_NIP });
    expect(accounts()).toEqual([expect.objectContaining({ name: 'Nowa firma', nip: UNKNOWN_NIP, description: expect.stringContaining(`NIP ${UNKNOWN_NIP} is not in the register of VAT payers.`) })]);
    expect(enrichmentCounts()).toEqual(['not-found']);
  });

  it('answers a NIP from its cache for 30 days: a second lead with it makes no register call', async () => {
    await deliver('fill', { email: 'pierwszy@przyklad.pl', nip: COMPANY_NIP });
    await deliver('fill', { email: 'drugi@przyklad.pl', nip: COMPANY_NIP });
    expect(registerCalls()).toBe(1);
    expect(enrichmentCounts()).toEqual(['found', 'cached']);
    expect(accounts()[0]).toMatchObject({ name: 'PRZYKŁADOWA SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ' });
  });

  it('stops asking at the daily limit: later leads are delivered without enrichment, and the requests are counted', async () => {
    // Each lead has its own NIP (no cache hits): the fake knows only the first two, the rest are unknown.
    const nips = [COMPANY_NIP, TRADER_NIP, UNKNOWN_NIP, '5260250274', '1234563218'];
    for (const [i, nip] of nips.entries()) await deliver('fill', { email: `lead${i}@example.pl`, company: `Firma ${i}`, nip });
    expect(registerCalls()).toBe(DAILY_LIMIT);
    expect(accounts()).toHaveLength(nips.length);
    expect(accounts().at(-1)?.description).not.toContain('VAT register');
    expect(enrichmentCounts()).toEqual(['found', 'found', 'not-found', 'limit', 'limit']);
    expect(await dailyCount()).toBeGreaterThanOrEqual(nips.length);
  });

  it('stops asking for the day when the register itself says its limit is used up', async () => {
    stack.register.mode = 'limit';
    await deliver('fill', { email: 'a@przyklad.pl', company: 'A', nip: COMPANY_NIP });
    stack.register.mode = 'found';
    await deliver('fill', { email: 'b@przyklad.pl', company: 'B', nip: TRADER_NIP });
    expect(registerCalls()).toBe(1);
    expect(accounts().map((a) => a.name)).toEqual(['A', 'B']);
    expect(enrichmentCounts()).toEqual(['limit', 'limit']);
  });

  it.each([['error' as const], ['slow' as const]])('delivers without enrichment, at once and counted, when the register answers %s', async (mode) => {
    stack.register.mode = mode;
    await deliver('fill', { email: 'biuro@przyklad.pl', company: 'Przykład', nip: COMPANY_NIP });
    expect(accounts()).toEqual([expect.objectContaining({ name: 'Przykład', nip: COMPANY_NIP })]);
    expect(accounts()[0]?.description).not.toContain('VAT register');
    expect(enrichmentCounts()).toEqual(['unavailable']);
    // Not retried: the delivery went through on its first attempt.
    expect(metricLines().some((emf) => emf._aws.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === 'Retried')))).toBe(false);
  });

  it('never asks the register again for a redelivered submission', async () => {
    const lead = { email: 'biuro@przyklad.pl', nip: COMPANY_NIP, _submission_id: 'same-1' };
    await deliver('fill', lead);
    stack.advance(60 * 60 * 1000);
    await deliver('fill', lead);
    expect(registerCalls()).toBe(1);
    expect(accounts()).toHaveLength(1);
  });
});

async function dailyCount(): Promise<number> {
  const dynamo = new DynamoDBClient({ endpoint: stack.dynamo.endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date());
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: stack.dynamo.tableName, Key: { pk: { S: `vatcount#${day}` } } }));
  dynamo.destroy();
  return Number(Item?.requests?.N ?? 0);
}
