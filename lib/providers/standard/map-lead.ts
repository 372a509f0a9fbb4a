import type { AccountStep, WorkPlan } from '../../delivery/job.ts';
import { ValidationError } from '../../http/errors.ts';
import type { SourceSettings } from '../settings.ts';
import { firstText, joinLines, line, personName, textOf } from '../shared/description.ts';
import { accountIdentity } from '../shared/identity.ts';
import { normalizeNip } from '../shared/nip.ts';
import { compact } from '../shared/results.ts';
import type { LeadData } from './events.ts';
import { LEAD_DATA_ENTRIES } from './events.ts';

export type StandardMapOptions = { source: string; timeZone: string; settings: SourceSettings; webhookId: string };

/**
 * lead.created → a client (Accounts/Save), found by NIP or e-mail and updated when it exists.
 * Deliberately small: the website lead mapper (POST /leads) is the full one.
 */
export function mapLeadCreated(data: LeadData, options: StandardMapOptions): WorkPlan {
  const nip = data.nip === undefined ? undefined : normalizeNip(data.nip);
  if (data.nip !== undefined && nip === undefined) {
    throw new ValidationError([{ code: 'invalid_nip', field: 'data.nip', message: 'data.nip fails the NIP checksum.' }]);
  }
  const company = firstText(data.company);
  const person = personName(data.first_name, data.last_name);
  const email = firstText(data.email)?.toLowerCase();
  const phone = firstText(data.phone);

  // consent_* and utm_* keys, in the order the sender gave them.
  const extras = Object.entries(data)
    .filter(([key]) => !Object.hasOwn(LEAD_DATA_ENTRIES, key))
    .map(([key, value]) => line(key, textOf(value)));

  const step: AccountStep = {
    kind: 'account',
    fields: compact({
      name: company ?? person ?? email ?? phone ?? nip,
      nip,
      email,
      phone_office: phone,
      address: firstText(data.address),
      postal_code: firstText(data.postal_code),
      city: firstText(data.city),
      country: firstText(data.country),
      source: options.settings.accountSource,
      description: joinLines([
        company !== undefined && line('Osoba kontaktowa', person),
        firstText(data.message),
        ...extras,
        line('Strona', data.page_url),
        line('Odesłano z', data.referrer),
      ]),
    }),
    match: compact({ nip, email }),
    onMatch: 'update',
  };

  return {
    kind: 'lead.created',
    groupKey: accountIdentity(nip, email) ?? `message:${options.webhookId}`,
    dedupeKey: options.webhookId,
    steps: [step],
  };
}
