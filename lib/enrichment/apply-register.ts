import type { SaveFields } from '../csmart/modules.ts';
import { splitAddress } from './address.ts';
import type { EnrichMode } from '../intake/enrich-modes.ts';
import type { RegisterAnswer } from './vat-register.ts';

type AccountFields = SaveFields<'Accounts'>;

/**
 * A client's fields with the register's answer applied (pure). `fill-empty` never overwrites what the
 * person typed: the official name replaces only a stand-in name (the e-mail, phone or NIP used when no
 * name was given), and the address is filled only when none of street, postal code and city was given,
 * so a typed city is never mixed with another street. `prefer-register` writes the register's name and
 * address over the typed ones, and keeps what was typed in the description. Either way the description
 * gets the register's REGON and VAT status (CSMART has no fields for them); an unknown NIP is noted there.
 */
export function applyRegisterAnswer(fields: AccountFields, answer: Exclude<RegisterAnswer, { kind: 'limit' }>, mode: Exclude<EnrichMode, 'off'>, nip: string): AccountFields {
  if (answer.kind === 'not-found') {
    return withNote(fields, `VAT register (${answer.date}): NIP ${nip} is not in the register of VAT payers.`);
  }
  const { subject } = answer;
  const address = splitAddress(subject.address);
  const next: AccountFields = { ...fields };
  const typed: string[] = [];
  const standIn = [fields.email, fields.phone_mobile, fields.phone_office, fields.nip, nip].filter(Boolean);
  const nameIsStandIn = !fields.name || standIn.includes(fields.name);

  if (mode === 'prefer-register') {
    if (fields.name && !nameIsStandIn && fields.name !== subject.name) typed.push(`name: ${fields.name}`);
    next.name = subject.name;
    if (address.street || address.postalCode || address.city) {
      const before = [fields.address, fields.postal_code, fields.city].filter(Boolean).join(', ');
      const after = [address.street, address.postalCode, address.city].filter(Boolean).join(', ');
      if (before && before !== after) typed.push(`address: ${before}`);
      setOrDelete(next, 'address', address.street);
      setOrDelete(next, 'postal_code', address.postalCode);
      setOrDelete(next, 'city', address.city);
    }
  } else {
    if (nameIsStandIn) next.name = subject.name;
    if (!fields.address && !fields.postal_code && !fields.city) {
      setOrDelete(next, 'address', address.street);
      setOrDelete(next, 'postal_code', address.postalCode);
      setOrDelete(next, 'city', address.city);
    }
  }

  const facts = [
    `VAT register (${answer.date}): ${subject.name}`,
    subject.regon && `REGON ${subject.regon}`,
    subject.krs && `KRS ${subject.krs}`,
    subject.statusVat && `VAT status: ${subject.statusVat}`,
    subject.address && `address: ${subject.address}`,
  ].filter(Boolean).join('; ');
  const note = typed.length > 0 ? `${facts}\nAs typed in the lead: ${typed.join('; ')}` : facts;
  return withNote(next, note);
}

function setOrDelete(fields: AccountFields, name: 'address' | 'postal_code' | 'city', value: string | undefined): void {
  if (value) fields[name] = value;
  else delete fields[name];
}

function withNote(fields: AccountFields, note: string): AccountFields {
  return { ...fields, description: fields.description ? `${fields.description}\n\n${note}` : note };
}
