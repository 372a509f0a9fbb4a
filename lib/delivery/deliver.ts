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

/** One delivery attempt: the name its claims carry, and the claims it holds until they are linked. */
type Attempt = { owner: string; released: string; held: LinkRef[] };

/** The owner a job's claims get when one of its attempts ends without finishing them. */
const releasedBy = (jobId: string) => `${jobId}#released`;

/** The line that marks a record we created, so that a retry after a crash finds it instead of creating it twice. */
export const markerLine = (marker: string) => `[csmart-connect ${marker}]`;

/**
 * Performs one job's CSMART work, at most once per record: a job already delivered is skipped,
 * clients are found by link, NIP or e-mail before one is created, and every other record is
 * created under a claimed link and edited ever after.
 */
export async function deliverJob(job: DeliveryJob, deps: DeliveryDeps, dedupeId: string, attempt = 1): Promise<DeliveryOutcome> {
  if (await deps.links.isDelivered(dedupeId)) return { duplicate: true, records: [] };
  // Claims name the attempt, not only the job: SQS can hand the same message to a second worker while
  // the first still works on it (its visibility expired), and the two must not take each other's claims.
  const current: Attempt = { owner: `${job.id}#${attempt}`, released: releasedBy(job.id), held: [] };
  const records: DeliveredRecord[] = [];
  let account: AccountContext | undefined;
  try {
    for (const step of job.steps) {
      if (step.kind === 'account') {
        const result = await deliverAccount(step, deps, attempt, current);
        account = result.account;
        records.push(result.record);
      } else {
        records.push(await deliverRecord(step, current, deps, account));
      }
    }
  } catch (error) {
    // This attempt is over: claims it could not finish are released to the job's next attempt, which takes
    // them over at once (checking CSMART for what may have been stored) instead of waiting for them to go
    // stale. Another job's delivery still waits: a Save that timed out may land later, and the job's own
    // retry comes only after the queue's backoff.
    await Promise.all(current.held.map((ref) => deps.links.transfer(ref, current.owner, current.released).catch(() => false)));
    throw error;
  }
  return { duplicate: false, records };
}

async function deliverAccount(step: AccountStep, deps: DeliveryDeps, attempt: number, current: Attempt) {
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
    const claimed = await claimClient(identities, step, current, deps);
    existing = claimed.existing;
    existingId = claimed.id;
  }
  let action: DeliveredRecord['action'];
  let id: string;
  if (existingId) {
    id = existingId;
    if (step.onMatch === 'update') {
      await deps.client.save('Accounts', keepingDescription(fields, existing), { id });
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
  for (const ref of identities) await deps.links.set(ref, 'Accounts', id, current.owner);
  const merged = { ...existing, ...(action === 'kept' ? {} : fields), id } as CsmartRecord;
  deps.accounts.remember(merged);
  if (step.link && linked?.recordId !== id) await deps.links.set(step.link, 'Accounts', id, current.owner);
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
 * its id; one under way makes this delivery wait (a transient error: the queue retries it). A claim
 * left by an attempt that stopped means the client may exist: a fresh list decides.
 */
async function claimClient(identities: LinkRef[], step: AccountStep, current: Attempt, deps: DeliveryDeps): Promise<{ id: string | undefined; existing: CsmartRecord | undefined }> {
  let recheck = false;
  for (const ref of identities) {
    let claim = await deps.links.claim(ref, 'Accounts', current.owner);
    if (!claim.claimed && claim.link.state === 'linked' && claim.link.recordId) {
      const record = await deps.accounts.byId(claim.link.recordId, { fresh: true });
      if (record) return { id: record.id, existing: record };
      // Linked to a client CSMART no longer lists (deleted or merged by a person): start over.
      await deps.links.forget(ref);
      claim = await deps.links.claim(ref, 'Accounts', current.owner);
    }
    if (!claim.claimed) {
      await takeOver(ref, claim.link, current, deps.links, 'The client is being created by another delivery');
      recheck = true;
    }
    current.held.push(ref);
  }
  if (!recheck) return { id: undefined, existing: undefined };
  const existing = await deps.accounts.find(step.match, { fresh: true });
  return { id: existing?.id, existing };
}

async function deliverRecord(step: RecordStep, current: Attempt, deps: DeliveryDeps, account: AccountContext | undefined): Promise<DeliveredRecord> {
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
    await linkAll(refs, step.module, found, current.owner, deps.links);
    return { module: step.module, id: found, action: 'updated' };
  }
  if (step.ifMissing === 'skip') return { module: step.module, id: '', action: 'skipped' };

  const claim = await deps.links.claim(step.link, step.module, current.owner);
  let id: string | undefined;
  if (!claim.claimed && claim.link.state === 'linked' && claim.link.recordId) {
    id = claim.link.recordId;
  } else {
    if (!claim.claimed) {
      await takeOver(step.link, claim.link, current, deps.links, `${step.module} record for ${step.link.source} is being created by another delivery`);
      // An attempt that stopped (failed, crashed, or killed at its timeout) claimed it and did not finish: the record may exist.
      id = await findMarked(step.module, claim.link, deps);
    }
    current.held.push(step.link);
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
  await linkAll(refs, step.module, id, current.owner, deps.links);
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

/**
 * A claim older than any worker invocation can run (the worker's timeout is 2 minutes) belongs to an
 * attempt that stopped; a younger one of another attempt may still be at work.
 */
export const STALE_CLAIM_MS = 5 * 60 * 1000;

/**
 * Takes over the pending claim of an attempt that is over: an earlier attempt of the same job that
 * released it, or any attempt that stopped longer ago than one can run. A claim of a live attempt, or
 * one another attempt takes over first, makes this delivery wait (a transient error: the queue retries it).
 */
async function takeOver(ref: LinkRef, link: Link, current: Attempt, links: LinkStore, busy: string): Promise<void> {
  const over = link.owner === current.released || (link.updatedAt !== undefined && Date.now() - Date.parse(link.updatedAt) > STALE_CLAIM_MS);
  if (!over || !(await links.transfer(ref, link.owner, current.owner))) throw new LinkBusyError(busy);
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
