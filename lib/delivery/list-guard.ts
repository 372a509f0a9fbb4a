import type { CsmartClient } from '../csmart/client.ts';
import { CsmartUpstreamError } from '../csmart/errors.ts';
import type { ListedRecord } from '../csmart/list-stream.ts';
import type { ModuleName } from '../csmart/modules.ts';
import type { LinkStore } from './link-store.ts';

/**
 * A CSMART glitch must never look like mass deletion: a List that answers no records (`[]` or `null`)
 * for a module in which we have linked records is a failure to retry, not "everything was deleted" —
 * read as such, the worker would drop its links and create every client again. (The export refuses
 * empty lists for the same reason.) Whole and streamed Lists alike: a stream that ends without a
 * record fails at its end, before its reader takes the missing records for deleted ones.
 */
/** The guard's refusal: a List that answered no records where records we created are linked (retried like any outage). */
export class EmptyListError extends CsmartUpstreamError {
  override name = 'EmptyListError';
}

export function guardEmptyLists<C extends Pick<CsmartClient, 'list' | 'listStream'>>(client: C, links: Pick<LinkStore, 'hasRecords'>): C {
  const refuse = (module: ModuleName) =>
    new EmptyListError(`CSMART ${module}/List answered no records, although records we created are linked`, { module, action: 'List' });
  return {
    ...client,
    async list(module) {
      const records = await client.list(module);
      if (records.length === 0 && (await links.hasRecords(module))) throw refuse(module);
      return records;
    },
    async *listStream(module: ModuleName): AsyncGenerator<ListedRecord[]> {
      let any = false;
      for await (const batch of client.listStream(module)) {
        if (batch.length > 0) any = true;
        yield batch;
      }
      if (!any && (await links.hasRecords(module))) throw refuse(module);
    },
  };
}
