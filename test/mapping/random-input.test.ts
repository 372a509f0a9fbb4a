import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkPlan } from '../../lib/intake/job.ts';
import type { BodyFields } from '../../lib/http/body.ts';
import { readBody } from '../../lib/http/body.ts';
import { InputValidationError } from '../../lib/errors/refusal.ts';
import { errorAnswer, isAnswerable } from '../../lib/http/error-answer.ts';
import { DEFAULT_FORM_SETTINGS, parseFormSettings } from '../../lib/mapping/form-settings.ts';
import { mapLead } from '../../lib/mapping/map-lead.ts';
import { httpEvent, multipartBody } from '../../emulators/lambda/http-events.ts';

const SETTINGS = [
  DEFAULT_FORM_SETTINGS,
  parseFormSettings('strict', {
    required: ['email', 'consent_rodo', ['company', 'nip']],
    mapping: { pole: 'message', 'Imię': 'first_name' },
    followUps: { opportunity: { name: '{name} {utm_source} {consent_rodo}', closeInDays: 3 }, task: { name: '{person}', time: '23:00', durationMinutes: 59, holidays: 'none' } },
  }),
  parseFormSettings('loose', { required: [], typeValues: { company: '', person: '' }, matchPolicy: 'update' }),
];

const NAMES = ['email', 'e-mail', 'phone', 'tel', 'nip', 'company', 'firma', 'imie', 'nazwisko', 'name', 'postal_code', 'kod_pocztowy', 'country', 'city',
  'message', 'consent_rodo', 'consent_rodo_text', 'zgoda_x', 'utm_source', 'page_url', '_gotcha', '_ts', '_submission_id', '__proto__', 'constructor',
  'toString', 'hasOwnProperty', 'fields[email][value]', 'fields[x][title]', 'a[]', '[]', 'pole', 'Imię'];

// Text with the awkward parts over-represented: lone surrogates, controls, separators, Polish letters, digits.
const awkward = fc.string({ unit: fc.oneof(fc.constantFrom('\ud800', '\udfff', '\u0000', '\r', '\n', ' ', '-', '+', '@', '.', 'ł', 'Ż', 'PL', '%', '&', '=', '[', ']', '"'), fc.integer({ min: 0, max: 9 }).map(String), fc.string({ unit: 'binary', maxLength: 1 }).filter((s) => s.length > 0)), maxLength: 30 });
const value = fc.oneof(awkward, fc.constantFrom('jan@example.pl', '600123456', '1234563218', 'on', '00-950', '1773222000000'), fc.array(awkward, { maxLength: 3 }));
const fields: fc.Arbitrary<BodyFields> = fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), awkward), value, { maxKeys: 12 });

const contentTypes = fc.constantFrom(
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8', 'multipart/form-data; boundary=XyZ',
  'multipart/form-data', 'application/json', 'application/vnd.api+json', 'application/json; charset=latin1', 'text/plain', '', ';;=', 'multipart/form-data; boundary=""',
);

const body = fc.oneof(
  awkward,
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.json(),
  fields.map((f) => JSON.stringify(f)),
  fields.map((f) => Object.entries(f).flatMap(([k, v]) => [v].flat().map((x) => `${encodeURIComponent(k.toWellFormed())}=${encodeURIComponent(x.toWellFormed())}`)).join('&')),
  fields.map((f) => multipartBody(Object.entries(f).flatMap(([k, v]) => [v].flat().map((x) => [k.replace(/["\r\n]/g, ''), x] as [string, string])), 'XyZ').body),
);

/** What every plan must satisfy, whatever came in. */
function checkPlan(plan: WorkPlan): void {
  expect(plan.groupKey).toMatch(/^[\x21-\x7e]{1,128}$/);
  expect(plan.dedupeKey).toMatch(/^lead:[0-9a-f]{64}$/);
  for (const step of plan.steps) {
    for (const text of Object.values(step.fields)) expect(typeof text === 'string' && text.isWellFormed()).toBe(true);
    if (step.kind === 'record' && step.module === 'Events') expect(step.fields.name).not.toBe('');
  }
}

/** Only a refusal the sender is told about, answered 4xx; anything else fails the property. */
function onlyRefusals(error: unknown): void {
  if (!isAnswerable(error)) throw error;
  const { statusCode } = errorAnswer(error);
  expect(statusCode).toBeGreaterThanOrEqual(400);
  expect(statusCode).toBeLessThan(500);
}

describe('random input', () => {
  it('readBody + mapLead only ever answer a plan or a 4xx refusal', async () => {
    await fc.assert(
      fc.asyncProperty(contentTypes, body, fc.boolean(), fc.nat({ max: 2 }), fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }), async (contentType, raw, base64, s, now) => {
        const event = httpEvent({ method: 'POST', path: '/leads', headers: contentType ? { 'content-type': contentType } : {}, body: raw, base64 });
        try {
          const { fields: parsed } = await readBody(event, { maxBytes: 4096 });
          checkPlan(mapLead({ form: 'contact', fields: parsed ?? {}, settings: SETTINGS[s] ?? DEFAULT_FORM_SETTINGS, now, timeZone: 'Europe/Warsaw', submissionId: 'sub' }).plan);
        } catch (error) {
          onlyRefusals(error);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('mapLead on random fields only ever answers a plan or an InputValidationError (422)', () => {
    fc.assert(
      fc.property(fields, fc.nat({ max: 2 }), fc.option(awkward, { nil: undefined }), (input, s, idempotencyKey) => {
        try {
          checkPlan(mapLead({ form: 'contact', fields: input, settings: SETTINGS[s] ?? DEFAULT_FORM_SETTINGS, now: new Date('2026-12-24T22:59:00Z'), timeZone: 'Europe/Warsaw', submissionId: 'sub', ...(idempotencyKey === undefined ? {} : { idempotencyKey }) }).plan);
        } catch (error) {
          expect(error).toBeInstanceOf(InputValidationError);
          onlyRefusals(error);
          expect(errorAnswer(error).statusCode).toBe(422);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
