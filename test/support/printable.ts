/** Every printable ASCII character, space to tilde: the alphabet of WooCommerce's generated secrets and more. */
export const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
