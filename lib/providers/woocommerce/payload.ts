import * as v from 'valibot';

const optionalText = v.nullish(v.string());
const textOrNumber = v.nullish(v.union([v.string(), v.number()]));

const AddressSchema = v.looseObject({
  first_name: optionalText,
  last_name: optionalText,
  company: optionalText,
  address_1: optionalText,
  address_2: optionalText,
  city: optionalText,
  state: optionalText,
  postcode: optionalText,
  country: optionalText,
  email: optionalText,
  phone: optionalText,
  // Not WooCommerce core: Polish invoice plugins add these to the billing address.
  nip: textOrNumber,
  vat_number: textOrNumber,
  vat: textOrNumber,
});

/** The parts of an order (WooCommerce REST API v3 shape, as webhooks deliver it) we use. */
export const WoocommerceOrderSchema = v.looseObject({
  id: v.pipe(v.number(), v.integer(), v.minValue(1)),
  number: textOrNumber,
  // GMT without an offset (`2026-03-12T18:54:41`); they identify a version of the order (see map.ts).
  date_created_gmt: optionalText,
  date_modified_gmt: optionalText,
  currency: optionalText,
  total: textOrNumber,
  shipping_total: textOrNumber,
  shipping_tax: textOrNumber,
  payment_method_title: optionalText,
  customer_note: optionalText,
  billing: v.nullish(AddressSchema),
  shipping: v.nullish(AddressSchema),
  line_items: v.nullish(v.array(v.looseObject({ name: optionalText, quantity: v.nullish(v.number()), total: textOrNumber, total_tax: textOrNumber }))),
  shipping_lines: v.nullish(v.array(v.looseObject({ method_title: optionalText }))),
  meta_data: v.nullish(v.array(v.looseObject({ key: v.string(), value: v.unknown() }))),
});

export type WoocommerceOrder = v.InferOutput<typeof WoocommerceOrderSchema>;
