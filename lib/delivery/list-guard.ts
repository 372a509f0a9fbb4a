import type { CsmartClient } from '../csmart/client.ts';
import { CsmartUpstreamError } from '../csmart/errors.ts';
import type { LinkStore } from './link-store.ts';

/**
 * A CSMART glitch must never look like mass deletion: a List that answers no records (`[]` or `null`)
 * for a module in which we have linked records is a failure to retry, not "everything was deleted" —
 * read as such, the worker would drop its links and create every client again. (The export refuses
 * empty lists for the same reason.)
 */
export function guardEmptyLists<C extends Pick<CsmartClient, 'list'>>(client: C, links: Pick<LinkStore, 'hasRecords'>): C {
  return {
    ...client,
    async list(module) {
      const records = await client.list(module);
      if (records.length === 0 && (await links.hasRecords(module))) {
        throw new CsmartUpstreamError(`CSMART ${module}/List answered no records, although records we created are linked`, { module, action: 'List' });
      }
      return records;
    },
  };
}
