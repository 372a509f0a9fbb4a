import type { CsmartClient } from '../csmart/client.ts';
import type { CsmartRecord, SaveFields } from '../csmart/modules.ts';
import type { AccountDirectory } from './account-directory.ts';
import { emailKey, nipDigits, phoneKey, type AccountMatch } from './account-directory.ts';
import { CsmartValidationError } from '../csmart/errors.ts';
import { DeliveryLinkBusyError, DeliveryRecordDeletedError } from './errors.ts';
import { EmptyListError } from './list-guard.ts';
import type { AccountStep, DeliveryJob, LinkRef, RecordStep } from '../intake/job.ts';
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
/** Marker-shaped text: only we may write it, so it is removed from whatever an outsider sent. */
const MARKER_SHAPED = /\[\s*csmart-connect\b[^\]]*\]/gi;

/**
 * Performs one job's CSMART work, at most once per record: a job already delivered is skipped,
 * clients are found by link, NIP or e-mail before one is created, and every other record is
 * created under a claimed link and edited ever after.
 */
export async function deliverJob(job: DeliveryJob, deps: DeliveryDeps, dedupeId: string, attempt = 1): Promise<DeliveryOutcome> {
  if (await deps.links.isDelivered(dedupeId)) return { duplicate: true, records: [] };
  const records: DeliveredRecord[] = [];
  const run: Attempt = { job, attempt, claims: [] };
  let account: AccountContext | undefined;
  try {
    for (const step of job.steps) {
      if (step.kind === 'account') {
        const result = await deliverAccount(step, run, deps);
        account = result.account;
        records.push(result.record);
      } else {
        records.push(await deliverRecord(step, run, deps, account));
      }
    }
  } catch (error) {
    // This attempt ends here: it lets go of the claims it did not finish, so the next attempt takes them over at once.
    for (const ref of run.claims) await deps.links.release(ref, job.id, attempt).catch(() => undefined);
    throw error;
  }
  return { duplicate: false, records };
}

/** One receive of a job's message, and the links it claimed. */
type Attempt = { job: DeliveryJob; attempt: number; claims: LinkRef[] };

/** Claims a link for this attempt, remembering it so the attempt can let go of it if it fails. */
async function claimFor(run: Attempt, ref: LinkRef, module: string, deps: DeliveryDeps) {
  const claim = await deps.links.claim(ref, module, run.job.id, run.attempt);
  if (claim.claimed) run.claims.push(ref);
  return claim;
}

/**
 * Whether a create under way (a pending claim) may be taken over, its record looked for by marker: it was
 * claimed so long ago that its attempt cannot be running, or the attempt that claimed it ended and let go
 * of it (also one of an earlier submission of the same lead, parked in the DLQ). A claim whose attempt did
 * not let go may still be running — SQS hands a message out again when its visibility expires under a
 * slow worker — and is waited for, also when it is this job's own earlier attempt.
 */
function mayTakeOver(link: Link, run: Attempt): boolean {
  if (isStale(link) || link.released === true) return true;
  return link.owner === run.job.id && (link.attempt === undefined || link.attempt === run.attempt);
}

async function deliverAccount(step: AccountStep, run: Attempt, deps: DeliveryDeps) {
  const { job, attempt } = run;
  const fields = nonEmpty(step.fields);
  const match = matchOf(step, fields);
  let linked = step.link ? await deps.links.get(step.link) : undefined;
  let existingId = linked?.state === 'linked' ? linked.recordId : undefined;
  let existing: CsmartRecord | undefined;
  if (existingId && step.link) {
    existing = await listed(existingId, deps.accounts);
    if (!existing) {
      // The linked client was deleted or merged in CSMART: find or create it again rather than fail on its id.
      await deps.links.forget(step.link);
      linked = undefined;
      existingId = undefined;
    }
  }
  if (!existingId && (match.nip || match.email || match.phone)) {
    // On a retry the client may have been stored by an attempt whose answer was lost: only a fresh list shows it.
    existing = await deps.accounts.find(match, { fresh: attempt > 1 });
    existingId = existing?.id;
  }
  const identities = existingId ? [] : clientIdentities(match);
  if (identities.length > 0) {
    const claimed = await claimClient(identities, match, run, deps);
    existing = claimed.existing;
    existingId = claimed.id;
  }
  let action: DeliveredRecord['action'];
  let id: string;
  if (existingId) {
    id = existingId;
    if (step.onMatch === 'update') {
      // The directory keeps only lookup fields: the description to append to is read whole, only here.
      // Without the whole record the new description is left out rather than written over the client's own.
      const before = fields.description && existing ? await deps.accounts.record(id) : existing;
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
  const nip = storedNip(merged);
  return {
    account: { id, name: typeof merged.name === 'string' ? merged.name : fields.name, nip },
    record: { module: 'Accounts', id, action } satisfies DeliveredRecord,
  };
}

/** The client with this id as CSMART lists it (the cached list first, then a fresh one), if it still does. */
async function listed(id: string, accounts: AccountDirectory): Promise<CsmartRecord | undefined> {
  return (await accounts.byId(id)) ?? (await accounts.byId(id, { fresh: true }));
}

/**
 * A client's NIP exactly as its record stores it ("526-025-02-74" stays so): CSMART may compare a task's
 * `nip` with the stored text, not its digits.
 */
function storedNip(record: CsmartRecord): string | undefined {
  for (const field of ['nip', 'NIP', 'vat_id']) {
    const value = record[field];
    if ((typeof value === 'string' || typeof value === 'number') && nipDigits(value)) return String(value).trim();
  }
  return undefined;
}

/**
 * How the client is found: the step's NIP and e-mail; with neither, the phone (a form takes e-mail *or*
 * phone), so that a phone-only lead's create is claimed and found again after a lost answer too.
 */
function matchOf(step: AccountStep, fields: AccountStep['fields']): AccountMatch {
  if (step.match.nip || step.match.email) return { ...(step.match.nip ? { nip: step.match.nip } : {}), ...(step.match.email ? { email: step.match.email } : {}) };
  const phone = step.match.phone ?? fields.phone_mobile ?? fields.phone_office;
  return phone ? { phone } : {};
}

/** The identities a new client is claimed under, so deliveries from any source never create it twice. */
function clientIdentities(match: AccountMatch): LinkRef[] {
  const refs: LinkRef[] = [];
  const nip = nipDigits(match.nip);
  const email = emailKey(match.email);
  const phone = nip || email ? '' : phoneKey(match.phone);
  if (nip) refs.push({ source: 'client', externalId: `nip:${nip}` });
  if (email) refs.push({ source: 'client', externalId: `email:${email}` });
  if (phone) refs.push({ source: 'client', externalId: `phone:${phone}` });
  return refs;
}

/**
 * Claims a client's identities before it is created. Another delivery's finished create answers with
 * its id; one under way makes this delivery wait (a transient error: the queue retries it). A claim of
 * our own earlier attempt, or one left long ago, means the client may exist: a fresh list decides.
 */
async function claimClient(identities: LinkRef[], match: AccountMatch, run: Attempt, deps: DeliveryDeps): Promise<{ id: string | undefined; existing: CsmartRecord | undefined }> {
  let recheck = false;
  for (const ref of identities) {
    let claim = await claimFor(run, ref, 'Accounts', deps);
    if (claim.claimed) continue;
    if (claim.link.state === 'linked' && claim.link.recordId) {
      const record = await deps.accounts.byId(claim.link.recordId, { fresh: true });
      if (record) return { id: record.id, existing: record };
      // Linked to a client CSMART no longer lists (deleted or merged by a person): start over.
      await deps.links.forget(ref);
      claim = await claimFor(run, ref, 'Accounts', deps);
      if (claim.claimed) continue;
    }
    if (!mayTakeOver(claim.link, run)) throw new DeliveryLinkBusyError('The client is being created by another delivery');
    recheck = true;
  }
  if (!recheck) return { id: undefined, existing: undefined };
  const existing = await deps.accounts.find(match, { fresh: true });
  return { id: existing?.id, existing };
}

async function deliverRecord(step: RecordStep, run: Attempt, deps: DeliveryDeps, account: AccountContext | undefined): Promise<DeliveredRecord> {
  const { job } = run;
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
  const linked = await firstLinked(refs, deps.links);
  const found = linked?.recordId;
  keepSubject(step.module, fields, linked);
  if (found && (await editUnlessDeleted(step, fields, found, refs, deps))) {
    await linkAll(refs, step.module, found, job.id, deps.links, subjectOf(step.module, fields));
    return { module: step.module, id: found, action: 'updated' };
  }
  if (step.ifMissing === 'skip') {
    // An edit (a cancellation) that overtook its record's create: kept, and saved with the create when it comes.
    if (!(await deps.links.defer(step.link, step.module, fields))) throw new DeliveryLinkBusyError(`${step.module} record for ${step.link.source} is being created by another delivery`);
    return { module: step.module, id: '', action: 'deferred' };
  }

  const claim = await claimFor(run, step.link, step.module, deps);
  if (claim.claimed && claim.deferred) Object.assign(fields, claim.deferred);
  let id: string | undefined;
  if (!claim.claimed) {
    if (claim.link.state === 'linked' && claim.link.recordId) {
      id = claim.link.recordId;
      keepSubject(step.module, fields, claim.link);
    }
    else if (!mayTakeOver(claim.link, run)) throw new DeliveryLinkBusyError(`${step.module} record for ${step.link.source} is being created by another delivery`);
    // An earlier attempt (ours, or one that stopped long ago) claimed it and did not finish: the record may exist.
    else id = await findMarked(step.module, claim.link, deps);
  }
  let action: DeliveredRecord['action'] = 'updated';
  // Until the link is written, the record must keep its marker: an edit without it would hide it from the next attempt.
  const marker = markerLine(claim.link.marker);
  const description = fields.description ? `${fields.description}\n\n${marker}` : marker;
  if (id) {
    await saveRecord(step.module, claim.claimed || claim.link.state !== 'linked' ? { ...fields, description } : fields, deps, { id });
  } else {
    try {
      id = await saveRecord(step.module, { ...fields, description }, deps);
    } catch (error) {
      // CSMART refused it, so nothing was stored: free the link, or every later update of the entity would wait on it.
      if (error instanceof CsmartValidationError) await deps.links.forget(step.link);
      throw error;
    }
    action = 'created';
  }
  await linkAll(refs, step.module, id, job.id, deps.links, subjectOf(step.module, fields));
  return { module: step.module, id, action };
}

/**
 * CSMART documents a task's subject as required on every Save: an edit without one (a bare cancellation) sends
 * the one its link kept. A link kept before subjects were stored has none: the client then reads the task.
 */
function keepSubject(module: RecordStep['module'], fields: Record<string, string | undefined>, link: Link | undefined): void {
  if (module === 'Events' && !fields.name && link?.name) fields.name = link.name;
}

/** The subject a task's links keep for its later edits (none for opportunities: they require nothing). */
function subjectOf(module: RecordStep['module'], fields: Record<string, string | undefined>): string | undefined {
  return module === 'Events' ? fields.name : undefined;
}

/**
 * What happens to an edit of a record a person deleted in CSMART, per module. A task is created again
 * when the work carries a whole one (a moved booking still needs its task); an opportunity stays
 * deleted (sales staff closed the deal on purpose), and so does a task a bare edit (a cancellation)
 * would change: those are parked with the reason. Clients are found or created again (deliverAccount).
 */
const WHEN_DELETED: Record<RecordStep['module'], 'create' | 'park'> = { Events: 'create', Opportunities: 'park' };

/**
 * Edits the linked record. Answers false when CSMART refused the edit because the record is gone and the
 * module's rule is to create it again (its links are dropped for that); throws DeliveryRecordDeletedError to park it.
 */
async function editUnlessDeleted(step: RecordStep, fields: Record<string, string | undefined>, id: string, refs: LinkRef[], deps: DeliveryDeps): Promise<boolean> {
  try {
    await saveRecord(step.module, fields, deps, { id });
    return true;
  } catch (error) {
    if (!(error instanceof CsmartValidationError)) throw error;
    const parks = WHEN_DELETED[step.module] === 'park' || step.ifMissing === 'skip';
    // A refused edit: if the record is no longer listed, it was deleted (the List guard rules out a glitch).
    let listed: boolean;
    try {
      listed = (await deps.client.list(step.module)).some((r) => r.id === id);
    } catch (listError) {
      // A List with no records at all is a glitch or the module's only record deleted. Creating again must wait
      // for a clear answer; parking need not: the refused edit is parked either way, and retrying cannot change that.
      if (!(listError instanceof EmptyListError) || !parks) throw listError;
      throw new DeliveryRecordDeletedError(`${step.module} record ${id} is not listed by CSMART (its List answered no records) and its edit was refused (${error.message}); the edit was not applied and the record is not created again`);
    }
    if (listed) throw error;
    if (parks) {
      throw new DeliveryRecordDeletedError(`${step.module} record ${id} was deleted in CSMART; the edit was not applied and the record is not created again`);
    }
    for (const ref of refs) await deps.links.forget(ref);
    return false;
  }
}

/**
 * Saves a task or opportunity. A task CSMART refuses while it names a client's NIP (compared by rules we
 * cannot see) is saved again without it, the NIP kept in its description: refused, nothing was stored,
 * so the second Save cannot duplicate it. Lead follow-ups and webhook tasks alike.
 */
async function saveRecord(module: RecordStep['module'], fields: Record<string, string | undefined>, deps: DeliveryDeps, options?: { id: string }): Promise<string> {
  try {
    return await deps.client.save(module, fields as SaveFields<typeof module>, options);
  } catch (error) {
    if (!(error instanceof CsmartValidationError) || module !== 'Events' || !fields.nip) throw error;
    const { nip, ...rest } = fields;
    const note = `NIP: ${nip} (CSMART did not match it to a client)`;
    return deps.client.save(module, { ...rest, description: rest.description ? `${rest.description}\n${note}` : note } as SaveFields<typeof module>, options);
  }
}

async function firstLinked(refs: LinkRef[], links: LinkStore): Promise<(Link & { recordId: string }) | undefined> {
  for (const ref of refs) {
    const link = await links.get(ref);
    if (link?.state === 'linked' && link.recordId) return link as Link & { recordId: string };
  }
  return undefined;
}

async function linkAll(refs: LinkRef[], module: string, id: string, owner: string, links: LinkStore, name?: string): Promise<void> {
  for (const ref of refs) await links.set(ref, module, id, owner, name);
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
  const client = (await accounts.find({ nip })) ?? (await accounts.find({ nip }, { fresh: true }));
  if (client) {
    fields.nip = storedNip(client) ?? nip;
    return;
  }
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

/**
 * Empty values are left out: an update must never blank a field the CRM user filled in. Marker-shaped
 * text is taken out of the inbound values, so no record carries a marker we did not write.
 */
function nonEmpty<T extends Record<string, string | undefined>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields)
    .map(([k, v]) => [k, v?.replace(MARKER_SHAPED, '')])
    .filter(([, v]) => v !== undefined && v !== '')) as T;
}
