import type { AccountStep, WorkPlan } from '../../intake/job.ts';
import { InputValidationError, type FieldProblem } from '../../errors/refusal.ts';
import { normaliseEmail } from '../../mapping/email.ts';
import { accountPhoneOf } from '../../mapping/phone.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import { firstText, joinLines, line, personName } from '../shared/description-lines.ts';
import { accountIdentity } from '../shared/identity.ts';
import { validNip } from '../../mapping/nip.ts';
import { compact } from '../shared/results.ts';
import type { LeadData } from './events.ts';

export type StandardMapOptions = { source: string; timeZone: string; settings: SourceSettings; webhookId: string };

/**
 * lead.created → a client (Accounts/Save), found by NIP or e-mail and updated when it exists.
 * Phones and NIPs are normalised as lead forms do. An e-mail or NIP that cannot be used is kept in the
 * description for a person to check; it is refused (422, naming it) only when nothing else identifies the lead.
 * The sender's lead id (`data.id`), when given, is the dedupe key: the same lead sent again is entered once.
 */
export function mapLeadCreated(data: LeadData, extras: ReadonlyArray<[string, string]>, options: StandardMapOptions): WorkPlan {
  const nipGiven = firstText(data.nip);
  const nip = validNip(nipGiven);
  const emailGiven = firstText(data.email);
  const checkedEmail = emailGiven === undefined ? undefined : normaliseEmail(emailGiven);
  const email = checkedEmail?.ok ? checkedEmail.value : undefined;
  const company = firstText(data.company);
  const person = personName(data.first_name, data.last_name) ?? firstText(data.name);
  const phoneGiven = firstText(data.phone);
  const phone = accountPhoneOf(phoneGiven);

  const name = company ?? person ?? email ?? phone.phone_mobile ?? phone.phone_office ?? nip;
  if (name === undefined) {
    const problems: FieldProblem[] = [];
    if (nipGiven !== undefined) problems.push({ code: 'invalid_nip', field: 'data.nip', message: 'data.nip fails the NIP checksum, and nothing else identifies the lead.' });
    if (emailGiven !== undefined) problems.push({ code: 'invalid_email', field: 'data.email', message: 'data.email is not an e-mail address, and nothing else identifies the lead.' });
    throw new InputValidationError(problems.length > 0 ? problems : [{ code: 'required', field: 'data', message: 'data needs a company, a name, an e-mail, a phone or a NIP.' }]);
  }

  const step: AccountStep = {
    kind: 'account',
    fields: compact({
      name,
      nip,
      email,
      ...phone,
      address: firstText(data.address),
      postal_code: firstText(data.postal_code),
      city: firstText(data.city),
      country: firstText(data.country),
      source: options.settings.accountSource,
      description: joinLines([
        company !== undefined && line('Osoba kontaktowa', person),
        firstText(data.message),
        // What cannot be used to match a client is kept for a person to check.
        nip === undefined && line('NIP (niepoprawny)', nipGiven),
        email === undefined && line('E-mail (niepoprawny)', emailGiven),
        ...extras.map(([key, value]) => line(key, value)),
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
    dedupeKey: data.id !== undefined ? `lead:${data.id}` : options.webhookId,
    steps: [step],
  };
}
