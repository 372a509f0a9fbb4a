import type { ConfigSources, ListedFolder } from '../config/config-sources.ts';

export type ConfiguredEntry = {
  /** The entry's value, or `undefined` when it is not configured. */
  value: string | undefined;
  /** The extra names asked for, with their values. */
  extras: ReadonlyMap<string, string | undefined>;
};

/**
 * Reads one configured entry (a form's settings, a webhook source's secret) and the extra values it
 * needs, in as few SSM calls as possible: while the folder's listing is known, an entry that is not
 * configured costs no call at all (guessed names cannot spend the SSM quota), and the extras are asked
 * for only when `wants` says so; until a listing succeeds, entry and extras come in one batch.
 */
export async function readConfiguredEntry(
  config: Pick<ConfigSources, 'read' | 'listing'>,
  entry: { folder: ListedFolder; name: string; extras: readonly string[]; wants: (value: string) => boolean },
): Promise<ConfiguredEntry> {
  const key = `${entry.folder}/${entry.name}`;
  const listed = await config.listing(entry.folder);
  if (listed) {
    const value = listed.get(key);
    if (value === undefined || entry.extras.length === 0 || !entry.wants(value)) return { value, extras: new Map() };
    return { value, extras: await config.read(entry.extras) };
  }
  const values = await config.read([key, ...entry.extras]);
  return { value: values.get(key), extras: values };
}
