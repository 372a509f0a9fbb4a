import type { CsmartClient } from '../csmart/client.ts';
import type { CsmartRecord, SaveFields } from '../csmart/modules.ts';
import type { AccountDirectory } from './account-directory.ts';
import { emailKey, nipDigits } from './account-directory.ts';
import { CsmartValidationError } from '../csmart/errors.ts';
import { LinkBusyError } from './errors.ts';
import type { AccountStep, DeliveryJob, LinkRef, RecordStep } from './job.ts';
import type { Link, LinkStore, SubmissionStatus } from './link-store.ts';

export type DeliveredRecord = NonNullable<SubmissionStatus['records']>[number];
export type DeliveryOutcome = { duplicate: boolean; records: DeliveredRecord[] };

export type DeliveryDeps = {
  client: Pick<CsmartClient, 'save' | 'list'>;
  links: LinkStore;
  accounts: AccountDirectory;
};

type AccountContext = { id: string; name: string | undefined; nip: string | undefined };

/** The line that marks a record we created, so that a retry after a crash finds it instead of creating it twice. */
export const markerLine = (marker: string) => `[csmart-connect ${marker}]`;

/**
 * Performs one job's CSMART work, at most once per record: a job already delivered is skipped,
 * clients are found by link, NIP or e-mail before one is created, and every other record is
 * created under a claimed link and edited ever after.
 */
export async function deliverJob(job: DeliveryJob, deps: DeliveryDeps, dedupeId: string, attempt = 1): Promise<DeliveryOutcome> {
  if (await deps.links.isDelivered(dedupeId)) return { duplicate: true, records: [] };
  const records: DeliveredRecord[] = [];
  let account: AccountContext | undefined;
  for (const step of job.steps) {
    if (step.kind === 'account') {
      const result = await deliverAccount(step, job, deps, attempt);
      account = result.account;
      records.push(result.record);
    } else {
      records.push(await deliverRecord(step, job, deps, account));
    }
  }
  return { duplicate: false, records };
}

async function deliverAccount(step: AccountStep, job: DeliveryJob, deps: DeliveryDeps, attempt: number) {
  const fields = nonEmpty(step.fields);
  let linked = step.link ? await deps.links.get(step.link) : undefined;
  let existingId = linked?.state === 'linked' ? linked.recordId : undefined;
  let existing: CsmartRecord | undefined;
  if (existingId && step.link && !(await stillListed(existingId, deps.accounts))) {
    // The linked client was deleted or merged in CSMART: find or create it again rather than fail on its id.
    await deps.links.forget(step.link);
    linked = undefined;
    existingId = undefined;
  }
  if (!existingId && (step.match.nip || step.match.email)) {
    // On a retry the client may have been stored by an attempt whose answer was lost: only a fresh list shows it.
    existing = await deps.accounts.find(step.match, { fresh: attempt > 1 });
    existingId = existing?.id;
  }
  const identities = existingId ? [] : clientIdentities(step.match);
  if (identities.length > 0) {
    const claimed = await claimClient(identities, step, job, deps);
    existing = claimed.existing;
    existingId = claimed.id;
  }
  let action: DeliveredRecord['action'];
  let id: string;
  if (existingId) {
    id = existingId;
    if (step.onMatch === 'update') {
      // The directory keeps only lookup fields: the description to append to is read whole, only here.
      const before = fields.description && existing ? (await deps.accounts.record(id)) ?? existing : existing;
      await deps.client.save('Accounts', keepingDescription(fields, before), { id });
      action = 'updated';
    } else {
      action = 'kept';
    }
  } else {
    try {
      id = await deps.client.save('Accounts', fields);
    } catch (error) {
      // Refused, so nothing was stored: free the identities for the next delivery of this client.
      if (error instanceof CsmartValidationError) for (const ref of identities) await deps.links.forget(ref);
      throw error;
    }
    action = 'created';
  }
  for (const ref of identities) await deps.links.set(ref, 'Accounts', id, job.id);
  const merged = { ...existing, ...(action === 'kept' ? {} : fields), id } as CsmartRecord;
  deps.accounts.remember(merged);
  if (step.link && linked?.recordId !== id) await deps.links.set(step.link, 'Accounts', id, job.id);
  const nip = nipDigits(merged.nip ?? fields.nip) || undefined;
  return {
    account: { id, name: typeof merged.name === 'string' ? merged.name : fields.name, nip },
    record: { module: 'Accounts', id, action } satisfies DeliveredRecord,
  };
}

async function stillListed(id: string, accounts: AccountDirectory): Promise<boolean> {
  return (await accounts.byId(id)) !== undefined || (await accounts.byId(id, { fresh: true })) !== undefined;
}

/** The identities a new client is claimed under, so deliveries from any source never create it twice. */
function clientIdentities(match: AccountStep['match']): LinkRef[] {
  const refs: LinkRef[] = [];
  const nip = nipDigits(match.nip);
  const email = emailKey(match.email);
  if (nip) refs.push({ source: 'client', externalId: `nip:${nip}` });
  if (email) refs.push({ source: 'client', externalId: `email:${email}` });
  return refs;
}

/**
 * Claims a client's identities before it is created. Another delivery's finished create answers with
 * its id; one under way makes this delivery wait (a transient error: the queue retries it). A claim of
 * our own earlier attempt, or one left long ago, means the client may exist: a fresh list decides.
 */
async function claimClient(identities: LinkRef[], step: AccountStep, job: DeliveryJob, deps: DeliveryDeps): Promise<{ id: string | undefined; existing: CsmartRecord | undefined }> {
  let recheck = false;
  for (const ref of identities) {
    let claim = await deps.links.claim(ref, 'Accounts', job.id);
    if (claim.claimed) continue;
    if (claim.link.state === 'linked' && claim.link.recordId) {
      const record = await deps.accounts.byId(claim.link.recordId, { fresh: true });
      if (record) return { id: record.id, existing: record };
      // Linked to a client CSMART no longer lists (deleted or merged by a person): start over.
      await deps.links.forget(ref);
      claim = await deps.links.claim(ref, 'Accounts', job.id);
      if (claim.claimed) continue;
    }
    if (claim.link.owner !== job.id && !isStale(claim.link)) throw new LinkBusyError('The client is being created by another delivery');
    recheck = true;
  }
  if (!recheck) return { id: undefined, existing: undefined };
  const existing = await deps.accounts.find(step.match, { fresh: true });
  return { id: existing?.id, existing };
}

async function deliverRecord(step: RecordStep, job: DeliveryJob, deps: DeliveryDeps, account: AccountContext | undefined): Promise<DeliveredRecord> {
  const fields: Record<string, string | undefined> = nonEmpty(step.fields);
  if (step.withAccount && account) {
    if (step.module === 'Opportunities') {
      fields.account_id = account.id;
      fields.account_name ??= account.name;
    } else if (account.nip) {
      fields.nip = account.nip;
    }
  }
  if (step.module === 'Events' && fields.nip && !(step.withAccount && account?.nip)) await keepNipOnlyForKnownClient(fields, deps.accounts);
  const refs = [step.link, ...(step.aliases ?? [])];
  const found = await firstLinked(refs, deps.links);
  if (found) {
    await deps.client.save(step.module, fields as SaveFields<typeof step.module>, { id: found });
    await linkAll(refs, step.module, found, job.id, deps.links);
    return { module: step.module, id: found, action: 'updated' };
  }
  if (step.ifMissing === 'skip') return { module: step.module, id: '', action: 'skipped' };

  const claim = await deps.links.claim(step.link, step.module, job.id);
  let id: string | undefined;
  if (!claim.claimed) {
    if (claim.link.state === 'linked' && claim.link.recordId) id = claim.link.recordId;
    else if (claim.link.owner !== job.id && !isStale(claim.link)) throw new LinkBusyError(`${step.module} record for ${step.link.source} is being created by another delivery`);
    // An earlier attempt (ours, or one that stopped long ago) claimed it and did not finish: the record may exist.
    else id = await findMarked(step.module, claim.link, deps);
  }
  let action: DeliveredRecord['action'] = 'updated';
  if (id) {
    await deps.client.save(step.module, fields as SaveFields<typeof step.module>, { id });
  } else {
    const marker = markerLine(claim.link.marker);
    const description = fields.description ? `${fields.description}\n\n${marker}` : marker;
    try {
      id = await deps.client.save(step.module, { ...fields, description } as SaveFields<typeof step.module>);
    } catch (error) {
      // CSMART refused it, so nothing was stored: free the link, or every later update of the entity would wait on it.
      if (error instanceof CsmartValidationError) await deps.links.forget(step.link);
      throw error;
    }
    action = 'created';
  }
  await linkAll(refs, step.module, id, job.id, deps.links);
  return { module: step.module, id, action };
}

async function firstLinked(refs: LinkRef[], links: LinkStore): Promise<string | undefined> {
  for (const ref of refs) {
    const link = await links.get(ref);
    if (link?.state === 'linked' && link.recordId) return link.recordId;
  }
  return undefined;
}

async function linkAll(refs: LinkRef[], module: string, id: string, owner: string, links: LinkStore): Promise<void> {
  for (const ref of refs) await links.set(ref, module, id, owner);
}

async function findMarked(module: RecordStep['module'], link: Link, deps: DeliveryDeps): Promise<string | undefined> {
  const marker = markerLine(link.marker);
  const records = await deps.client.list(module);
  return records.find((r) => typeof r.description === 'string' && r.description.includes(marker))?.id;
}

/**
 * CSMART refuses a task whose `nip` is not one of its clients. A sender's NIP of a client we do not
 * know yet is kept in the description instead, so the task still lands.
 */
async function keepNipOnlyForKnownClient(fields: Record<string, string | undefined>, accounts: AccountDirectory): Promise<void> {
  const nip = fields.nip!;
  if ((await accounts.find({ nip })) ?? (await accounts.find({ nip }, { fresh: true }))) return;
  delete fields.nip;
  const note = `NIP: ${nip} (not a client in CSMART yet)`;
  fields.description = fields.description ? `${fields.description}\n${note}` : note;
}

/** A claim older than any worker invocation can run belongs to an attempt that stopped. */
const STALE_CLAIM_MS = 15 * 60 * 1000;
function isStale(link: Link): boolean {
  return link.updatedAt !== undefined && Date.now() - Date.parse(link.updatedAt) > STALE_CLAIM_MS;
}

/**
 * An update never blanks what sales staff wrote: the new description is added below the client's
 * own (which also holds earlier leads' consent records), or left out when the client was found by
 * link and its description is not at hand.
 */
function keepingDescription(fields: SaveFields<'Accounts'>, existing: CsmartRecord | undefined): SaveFields<'Accounts'> {
  if (!fields.description) return fields;
  const { description, ...rest } = fields;
  if (!existing) return rest;
  const before = typeof existing.description === 'string' ? existing.description.trim() : '';
  return { ...rest, description: before ? `${before}\n\n${description}` : description };
}

/** Empty values are left out: an update must never blank a field the CRM user filled in. */
function nonEmpty<T extends Record<string, string | undefined>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== '')) as T;
}
