/**
 * The CSMART API as a table: every module, the actions it documents, and the fields its Save takes.
 * A new endpoint is a new row here; the client has no method per endpoint.
 */

const ACCOUNT_FIELDS = [
  'name', 'nip', 'type', 'category', 'source', 'gr', 'client_no', 'au', 'email', 'www',
  'phone_office', 'phone_mobile', 'phone_fax', 'facebook', 'twitter',
  'address', 'city', 'postal_code', 'state', 'country',
  'shipping_address', 'shipping_city', 'shipping_postal_code', 'shipping_country',
  'bank_account_name', 'bank_account_number', 'payment_method', 'payment_days',
  'description', 'description1', 'description2',
] as const;

const EVENT_FIELDS = [
  'name', 'type', 'status', 'nip', 'date_start', 'time_start', 'date_end', 'time_end', 'allDay',
  'description', 'description1', 'description2',
] as const;

const OPPORTUNITY_FIELDS = [
  'name', 'status', 'account_id', 'account_name', 'source', 'final_date', 'total', 'assigned',
  'process', 'description', 'sale_from',
] as const;

export const MODULES = {
  Accounts: { label: 'client', actions: ['List', 'Save'], fields: ACCOUNT_FIELDS, required: [] },
  Events: { label: 'task', actions: ['List', 'Save'], fields: EVENT_FIELDS, required: ['name'] },
  Opportunities: { label: 'opportunity', actions: ['List', 'Save'], fields: OPPORTUNITY_FIELDS, required: [] },
  Quotes: { label: 'quote', actions: ['List'], fields: [], required: [] },
  SalesOrders: { label: 'sales order', actions: ['List'], fields: [], required: [] },
  Invoices: { label: 'invoice', actions: ['List'], fields: [], required: [] },
  Products: { label: 'product', actions: ['List'], fields: [], required: [] },
} as const;

export type ModuleName = keyof typeof MODULES;
export type Action = 'Login' | (typeof MODULES)[ModuleName]['actions'][number];

/** Modules whose Save the vendor documents. */
export type SaveModule = { [M in ModuleName]: 'Save' extends (typeof MODULES)[M]['actions'][number] ? M : never }[ModuleName];
export type FieldOf<M extends SaveModule> = (typeof MODULES)[M]['fields'][number];
/** The fields of one Save; values are sent as text, as the form encoding does anyway. */
export type SaveFields<M extends SaveModule> = Partial<Record<FieldOf<M>, string>>;

export const MODULE_NAMES = Object.keys(MODULES) as ModuleName[];
export const SAVE_MODULES = MODULE_NAMES.filter((m): m is SaveModule => (MODULES[m].actions as readonly string[]).includes('Save'));

export function isModuleName(value: string): value is ModuleName {
  return Object.hasOwn(MODULES, value);
}

export function isSaveModule(value: string): value is SaveModule {
  return (SAVE_MODULES as string[]).includes(value);
}

/** A record as the client returns it from List: the vendor's fields, with `id` always a string. */
export type CsmartRecord = { id: string; [field: string]: unknown };
