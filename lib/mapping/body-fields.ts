/** Form fields as sent; a name sent more than once (a checkbox group) keeps every value, in order. */
export type BodyFields = Record<string, string | string[]>;
