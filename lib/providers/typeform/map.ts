import type { AccountStep } from '../../intake/job.ts';
import { InputValidationError } from '../../errors/refusal.ts';
import type { FieldOf } from '../../csmart/modules.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import type { ProviderResult } from '../types.ts';
import { firstText, joinLines, line, personName, textOf } from '../shared/description-lines.ts';
import { accountIdentity } from '../shared/identity.ts';
import { validNip } from '../../mapping/nip.ts';
import { accountPhoneOf } from '../../mapping/phone.ts';
import { compact, ignoredEvent, work } from '../shared/results.ts';
import { parseWith } from '../shared/validate.ts';
import { TypeformEnvelopeSchema, TypeformResponseDeliverySchema } from './payload.ts';
import type { TypeformAnswer } from './payload.ts';
import { targetOf } from './targets.ts';

export type TypeformMapOptions = { settings: SourceSettings };

type AccountField = FieldOf<'Accounts'>;

/** A `form_response` → a client (Accounts/Save), found by NIP or e-mail and updated when it exists. */
export function mapTypeform(body: unknown, options: TypeformMapOptions): ProviderResult {
  const { event_type: eventType } = parseWith(TypeformEnvelopeSchema, body);
  if (eventType !== 'form_response') return ignoredEvent('Typeform', eventType);

  const delivery = parseWith(TypeformResponseDeliverySchema, body);
  const response = delivery.form_response;
  const titles = new Map((response.definition?.fields ?? []).map((field) => [field.id, field.title ?? undefined]));

  const fields: Partial<Record<AccountField, string>> = {};
  const person: { first?: string; last?: string; full?: string } = {};
  const messages: string[] = [];
  const otherAnswers: string[] = [];
  let nipGiven: string | undefined;

  for (const answer of response.answers ?? []) {
    const value = answerText(answer);
    if (value === undefined) continue;
    const title = firstText(answer.field.title, titles.get(answer.field.id));
    const target = targetOf({ ref: answer.field.ref ?? undefined, type: answer.field.type ?? undefined, title }, response.form_id, options.settings);
    // A second answer for a field already given (two e-mail questions) is listed, not lost.
    const listed = () => otherAnswers.push(`- ${title ?? answer.field.ref ?? answer.field.id}: ${value}`);
    switch (target) {
      case 'ignore': break;
      case 'first_name': if (person.first === undefined) person.first = value; else listed(); break;
      case 'last_name': if (person.last === undefined) person.last = value; else listed(); break;
      case 'full_name': if (person.full === undefined) person.full = value; else listed(); break;
      case 'description': messages.push(value); break;
      case 'nip': if (nipGiven === undefined) nipGiven = value; else listed(); break;
      case undefined: listed(); break;
      default: if (fields[target] === undefined) fields[target] = value; else listed();
    }
  }

  const email = fields.email?.toLowerCase();
  const nip = validNip(nipGiven);
  const personFull = person.full ?? personName(person.first, person.last);
  // Phones are normalised as every source does: a mobile number goes to phone_mobile.
  const { phone_office: phoneGiven, ...rest } = fields;
  const phone = fields.phone_mobile === undefined ? accountPhoneOf(phoneGiven) : { phone_office: phoneGiven };
  const name = firstText(fields.name, personFull, email, phone.phone_mobile, phone.phone_office, fields.phone_mobile, nip);
  if (name === undefined) {
    throw new InputValidationError([{
      code: 'unmappable', field: 'form_response.answers',
      message: 'No answer gives a client name, e-mail, phone or NIP; map a field ref in the Typeform settings.',
    }]);
  }

  const hidden = Object.entries(response.hidden ?? {}).map(([key, value]) => line(key, textOf(value)));
  const step: AccountStep = {
    kind: 'account',
    fields: compact({
      ...rest,
      ...phone,
      name,
      email,
      nip,
      source: fields.source ?? options.settings.accountSource,
      description: joinLines([
        line('Formularz', response.definition?.title),
        fields.name !== undefined && line('Osoba kontaktowa', personFull),
        // An invalid NIP is kept for a person to check, but never used to match a client.
        nip === undefined && line('NIP (niepoprawny)', nipGiven),
        ...messages,
        otherAnswers.length > 0 && 'Odpowiedzi:',
        ...otherAnswers,
        ...hidden,
      ]),
    }),
    match: compact({ nip, email }),
    onMatch: 'update',
  };

  return work({
    kind: 'form_response',
    groupKey: accountIdentity(nip, email) ?? `response:${response.token ?? delivery.event_id ?? name}`,
    ...(delivery.event_id ? { dedupeKey: delivery.event_id } : {}),
    steps: [step],
  });
}

/** An answer's value as text, by the answer's `type` (text, email, choice, choices, number, boolean…). */
function answerText(answer: TypeformAnswer): string | undefined {
  const raw: unknown = (answer as Record<string, unknown>)[answer.type];
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) return textOf(raw);
  const value = raw as { label?: unknown; labels?: unknown; other?: unknown; amount?: unknown };
  switch (answer.type) {
    case 'choice': return firstText(value.label, value.other);
    case 'choices': return textOf([...(Array.isArray(value.labels) ? value.labels : []), value.other]);
    case 'payment': return textOf(value.amount);
    default: return undefined;
  }
}
