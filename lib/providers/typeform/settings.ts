import * as v from 'valibot';
import { MODULES } from '../../csmart/modules.ts';
import { settingsOf, text } from '../shared/source-settings.ts';

/** Where a Typeform answer goes: an Accounts field, a part of the person's name, or nowhere. */
export const TYPEFORM_TARGETS = [...MODULES.Accounts.fields, 'first_name', 'last_name', 'full_name', 'ignore'] as const;
export type TypeformTarget = (typeof TYPEFORM_TARGETS)[number];

const refMap = v.record(text(200), v.picklist(TYPEFORM_TARGETS));

export const TYPEFORM_SETTINGS = settingsOf({
  accountSource: v.optional(text(100)),
  fieldMap: v.optional(refMap, {}),
  formFieldMaps: v.optional(v.record(text(100), refMap), {}),
});
