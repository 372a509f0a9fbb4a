import type { SaveFields } from '../csmart/modules.ts';
import type { FormSettings } from './form-settings.ts';
import { accountPhoneOf } from './phone.ts';
import type { Lead } from './validate-lead.ts';

/** The client's name in CSMART: the company, else the person, else how to reach them. */
export function accountNameOf(lead: Lead): string {
  const f = lead.fields;
  return f.company || lead.person || f.email || f.phone || f.nip || '';
}

/**
 * The Accounts/Save fields for a lead: the form's `defaults` first, the lead's own values over them.
 * A lead with a company name or a NIP is a company; the phone goes to phone_mobile when it is a mobile number.
 */
export function accountFieldsOf(lead: Lead, settings: Pick<FormSettings, 'defaults' | 'typeValues' | 'mobilePrefixes'>, description: string): SaveFields<'Accounts'> {
  const f = lead.fields;
  const type = f.company || f.nip ? settings.typeValues.company : settings.typeValues.person;
  const fromLead: SaveFields<'Accounts'> = {
    name: accountNameOf(lead),
    type,
    email: f.email,
    ...accountPhoneOf(f.phone, settings.mobilePrefixes),
    nip: f.nip,
    address: f.address,
    postal_code: f.postal_code,
    city: f.city,
    country: f.country,
    description,
  };
  const fields: SaveFields<'Accounts'> = { ...settings.defaults };
  for (const [field, value] of Object.entries(fromLead) as Array<[keyof SaveFields<'Accounts'>, string | undefined]>) {
    if (value) fields[field] = value;
  }
  return fields;
}
