import type { AccountStep, RecordStep } from '../../intake/job.ts';
import type { SourceSettings } from '../shared/source-settings.ts';
import type { ProviderResult } from '../types.ts';
import { firstText, joinLines, line, personName, textOf } from '../shared/description-lines.ts';
import { accountIdentity } from '../shared/identity.ts';
import { validNip } from '../../mapping/nip.ts';
import { accountPhoneOf } from '../../mapping/phone.ts';
import { compact, work } from '../shared/results.ts';
import { parseWith } from '../shared/validate.ts';
import { nipOfOrder } from './order-nip.ts';
import { WoocommerceOrderSchema } from './payload.ts';
import type { WoocommerceOrder } from './payload.ts';

export type WoocommerceMapOptions = { source: string; settings: SourceSettings };

/**
 * order.created → the buyer as a client (company wins over the person for `name`) and the order as
 * an opportunity for that client, linked to the order id so a redelivery edits the same record.
 */
export function mapWoocommerceOrder(body: unknown, options: WoocommerceMapOptions): ProviderResult {
  const order = parseWith(WoocommerceOrderSchema, body);
  const { source, settings } = options;
  const billing = order.billing;
  const shipping = order.shipping;

  const company = firstText(billing?.company, shipping?.company);
  const person = personName(billing?.first_name, billing?.last_name) ?? personName(shipping?.first_name, shipping?.last_name);
  const email = firstText(billing?.email)?.toLowerCase();
  const nipGiven = nipOfOrder(order, settings.nipMetaKey);
  const nip = validNip(nipGiven);
  const number = textOf(order.number) ?? String(order.id);
  const hasShippingAddress = firstText(shipping?.address_1) !== undefined;

  const account: AccountStep = {
    kind: 'account',
    fields: compact({
      name: company ?? person ?? email ?? `Zamówienie #${number}`,
      nip,
      email,
      ...accountPhoneOf(firstText(billing?.phone)),
      address: joinAddress(billing?.address_1, billing?.address_2),
      postal_code: firstText(billing?.postcode),
      city: firstText(billing?.city),
      state: firstText(billing?.state),
      country: firstText(billing?.country),
      shipping_address: hasShippingAddress ? joinAddress(shipping?.address_1, shipping?.address_2) : undefined,
      shipping_postal_code: hasShippingAddress ? firstText(shipping?.postcode) : undefined,
      shipping_city: hasShippingAddress ? firstText(shipping?.city) : undefined,
      shipping_country: hasShippingAddress ? firstText(shipping?.country) : undefined,
      source: settings.accountSource,
      description: joinLines([
        company !== undefined && line('Osoba kontaktowa', person),
        // An invalid NIP is kept for a person to check, but never used to match a client.
        nip === undefined && line('NIP (niepoprawny)', nipGiven),
      ]),
    }),
    match: compact({ nip, email }),
    onMatch: 'update',
  };

  const opportunity: RecordStep = {
    kind: 'record',
    module: 'Opportunities',
    fields: compact({
      name: `Zamówienie #${number}`,
      total: textOf(order.total),
      status: settings.opportunityStatus,
      source: settings.opportunitySource,
      description: describeOrder(order, number),
    }),
    link: { source, externalId: String(order.id) },
    withAccount: true,
  };

  return work({
    kind: 'order.created',
    groupKey: accountIdentity(nip, email) ?? `order:${order.id}`,
    ...dedupeOf(order),
    steps: [account, opportunity],
  });
}

/**
 * The event itself, not the delivery: WooCommerce's `X-WC-Webhook-Delivery-ID` is a hash of the webhook id
 * and the current second, so two orders sent in the same second share it. An order is created once:
 * its id and creation time name that event, also when a redelivery's body shows later changes (WooCommerce
 * builds the body when it sends). Without a creation time the last change's time is used, without
 * either the body's hash (the plan gives no key).
 */
function dedupeOf(order: WoocommerceOrder): { dedupeKey?: string } {
  const created = firstText(order.date_created_gmt, order.date_modified_gmt);
  return created === undefined ? {} : { dedupeKey: `order.created:${order.id}:${created}` };
}

function joinAddress(first: string | null | undefined, second: string | null | undefined): string | undefined {
  return firstText([first, second].map((part) => part?.trim() ?? '').filter(Boolean).join(', '));
}

/** Amounts include tax, as the buyer saw them, in the order's currency. */
function describeOrder(order: WoocommerceOrder, number: string): string | undefined {
  const currency = firstText(order.currency) ?? '';
  const money = (amount: string) => (currency ? `${amount} ${currency}` : amount);
  const items = (order.line_items ?? []).map((item) => {
    const gross = grossOf(item.total, item.total_tax);
    return `- ${firstText(item.name) ?? 'pozycja'} × ${item.quantity ?? 1}${gross === undefined ? '' : `: ${money(gross)}`}`;
  });
  const shippingTotal = grossOf(order.shipping_total, order.shipping_tax);
  const shippingMethod = firstText(order.shipping_lines?.[0]?.method_title);
  const total = textOf(order.total);
  return joinLines([
    `Zamówienie WooCommerce #${number}`,
    items.length > 0 && 'Pozycje:',
    ...items,
    shippingTotal !== undefined && line('Wysyłka', `${money(shippingTotal)}${shippingMethod ? ` (${shippingMethod})` : ''}`),
    total !== undefined && line('Razem', money(total)),
    line('Płatność', order.payment_method_title),
    line('Uwagi klienta', order.customer_note),
  ]);
}

function grossOf(total: string | number | null | undefined, tax: string | number | null | undefined): string | undefined {
  const net = Number(total);
  if (total === null || total === undefined || total === '' || !Number.isFinite(net)) return undefined;
  const vat = Number(tax ?? 0);
  return (net + (Number.isFinite(vat) ? vat : 0)).toFixed(2);
}
