import type { WoocommerceOrder } from './payload.ts';

// Meta keys used by common Polish invoice and checkout-field plugins, tried after the configured one.
const COMMON_META_KEYS = ['_billing_nip', 'billing_nip', '_billing_vat_number', 'billing_vat_number', '_vat_number', 'vat_number', '_billing_vat', 'nip', 'NIP'];

/** The buyer's NIP as given in the order: the configured meta key, billing fields added by plugins, then common meta keys. */
export function nipOfOrder(order: WoocommerceOrder, metaKey: string): string | undefined {
  const meta = new Map<string, unknown>();
  for (const entry of order.meta_data ?? []) if (!meta.has(entry.key)) meta.set(entry.key, entry.value);
  const candidates: unknown[] = [
    meta.get(metaKey),
    order.billing?.nip, order.billing?.vat_number, order.billing?.vat,
    ...COMMON_META_KEYS.map((key) => meta.get(key)),
  ];
  for (const candidate of candidates) {
    if ((typeof candidate === 'string' && candidate.trim() !== '') || typeof candidate === 'number') return String(candidate).trim();
  }
  return undefined;
}
