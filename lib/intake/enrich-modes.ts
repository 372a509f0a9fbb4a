/** What a lead's NIP does to its client: nothing, fill only what the person left empty, or the register's data wins. */
export const ENRICH_MODES = ['off', 'fill-empty', 'prefer-register'] as const;
export type EnrichMode = (typeof ENRICH_MODES)[number];

/** Never overwrite what the person typed, unless the form or source says so. */
export const DEFAULT_ENRICH_MODE: EnrichMode = 'fill-empty';
