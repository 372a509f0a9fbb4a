import {
  ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { LinkRef } from '../intake/job.ts';
import { newLinkMarker } from '../intake/keys.ts';

/**
 * A CSMART record remembered for an outside entity. `pending`: a create is under way (or crashed);
 * `deferred`: no record yet, but an edit of it arrived first (a cancellation before its booking), kept for the create.
 */
export type Link = {
  pk: string; module: string; recordId: string | undefined; state: 'pending' | 'linked' | 'deferred'; owner: string; marker: string; updatedAt?: string | undefined;
  /** The receive (SQS attempt) of the owner's job that claimed it, and whether that attempt ended and let go of it. */
  attempt?: number | undefined; released?: boolean | undefined;
  /**
   * A task's subject as we last sent it: CSMART documents `name` as required on every Events Save, so an edit
   * without one (a bare cancellation) sends this one instead of reading the task back.
   */
  name?: string | undefined;
};

/** Where a submission is, for `csmart status`. */
export type SubmissionStatus = {
  id: string;
  state: 'delivered' | 'retrying' | 'dead-lettered';
  source: string;
  kind: string;
  attempts: number;
  updatedAt: string;
  records?: { module: string; id: string; action: 'created' | 'updated' | 'kept' | 'skipped' | 'deferred' }[];
  reason?: string;
};

export type LinkStore = {
  get(ref: LinkRef): Promise<Link | undefined>;
  /**
   * Claims a link for a create; answers the existing link when someone holds it already. `deferred`: the
   * fields of edits that arrived before the record existed, to be saved with the create.
   */
  claim(ref: LinkRef, module: string, owner: string, attempt?: number): Promise<{ claimed: true; link: Link; deferred?: Record<string, string> } | { claimed: false; link: Link }>;
  /** Keeps an edit of a record not created yet (merged over earlier ones); false when the link exists meanwhile. */
  defer(ref: LinkRef, module: string, fields: Record<string, string | undefined>): Promise<boolean>;
  /** Marks a pending claim of this owner's attempt as let go: the attempt ended, a later one may take it over. */
  release(ref: LinkRef, owner: string, attempt: number): Promise<void>;
  /** Links the record; `name`: the subject to keep for later edits (see Link). */
  set(ref: LinkRef, module: string, recordId: string, owner: string, name?: string): Promise<void>;
  forget(ref: LinkRef): Promise<void>;
  /** Whether we ever linked a record of this module: then CSMART cannot rightly list none. */
  hasRecords(module: string): Promise<boolean>;
  isDelivered(dedupeId: string): Promise<boolean>;
  markDelivered(dedupeId: string, status: SubmissionStatus): Promise<void>;
  getStatus(submissionId: string): Promise<SubmissionStatus | undefined>;
  putStatus(status: SubmissionStatus): Promise<void>;
};

/** How long delivered-submission records are kept for dedupe and status: longer than any sender retries. */
const DELIVERED_TTL_SECONDS = 90 * 24 * 3600;

export const linkKey = (ref: LinkRef) => `link#${ref.source}#${ref.externalId}`;

const S = (value: string): AttributeValue => ({ S: value });
const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';
const text = (item: Record<string, AttributeValue> | undefined, name: string) => item?.[name]?.S;

/** The link table in DynamoDB: one item per key `pk` (links, delivered markers, submission status). */
export function createLinkStore(options: { dynamo: Pick<DynamoDBClient, 'send'>; tableName: string; now?: () => Date }): LinkStore {
  const { dynamo, tableName } = options;
  const now = options.now ?? (() => new Date());
  const expiresAt = () => ({ N: String(Math.floor(now().getTime() / 1000) + DELIVERED_TTL_SECONDS) });

  // Modules whose `has#` mark this process has written or read, so each costs one call per process.
  const marked = new Set<string>();
  const markRecords = async (module: string) => {
    if (marked.has(module)) return;
    await dynamo.send(new PutItemCommand({ TableName: tableName, Item: { pk: S(`has#${module}`), updatedAt: S(now().toISOString()) } }));
    marked.add(module);
  };

  const getItem = async (pk: string) =>
    (await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { pk: S(pk) }, ConsistentRead: true }))).Item;

  const toLink = (item: Record<string, AttributeValue>): Link => ({
    pk: text(item, 'pk') ?? '',
    module: text(item, 'module') ?? '',
    recordId: text(item, 'recordId'),
    state: text(item, 'state') === 'linked' ? 'linked' : text(item, 'state') === 'deferred' ? 'deferred' : 'pending',
    owner: text(item, 'owner') ?? '',
    marker: text(item, 'marker') ?? '',
    updatedAt: text(item, 'updatedAt'),
    attempt: item.attempt?.N === undefined ? undefined : Number(item.attempt.N),
    released: item.released?.BOOL === true,
    name: text(item, 'name'),
  });

  return {
    async get(ref) {
      const item = await getItem(linkKey(ref));
      return item ? toLink(item) : undefined;
    },
    async claim(ref, module, owner, attempt) {
      const pk = linkKey(ref);
      const link: Link = { pk, module, recordId: undefined, state: 'pending', owner, marker: newLinkMarker(), updatedAt: now().toISOString(), attempt, released: false };
      const put = (condition: string, deferred?: Record<string, AttributeValue>) => dynamo.send(new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: S(pk), module: S(module), state: S('pending'), owner: S(owner), marker: S(link.marker), updatedAt: S(link.updatedAt!),
          ...(attempt === undefined ? {} : { attempt: { N: String(attempt) } }),
        },
        ConditionExpression: condition,
        ...(deferred ? { ExpressionAttributeNames: { '#state': 'state', '#fields': 'fields' }, ExpressionAttributeValues: deferred } : {}),
      }));
      try {
        await put('attribute_not_exists(pk)');
        return { claimed: true, link };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await getItem(pk);
        if (existing && text(existing, 'state') === 'deferred') {
          // Edits arrived before the record: the claim takes their place, and the create carries them.
          const fields = text(existing, 'fields') ?? '{}';
          try {
            await put('#state = :deferred AND #fields = :fields', { ':deferred': S('deferred'), ':fields': S(fields) });
            return { claimed: true, link, deferred: JSON.parse(fields) as Record<string, string> };
          } catch (raced) {
            if (!isConditionFailure(raced)) throw raced;
          }
        }
        // Deleted between the two calls: report it as held; the caller retries later.
        return { claimed: false, link: existing ? toLink(existing) : { ...link, owner: '' } };
      }
    },
    async set(ref, module, recordId, owner, name) {
      const pk = linkKey(ref);
      await dynamo.send(new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: S(pk), module: S(module), recordId: S(recordId), state: S('linked'), owner: S(owner), updatedAt: S(now().toISOString()),
          ...(name ? { name: S(name) } : {}),
        },
      }));
      await markRecords(module);
    },
    async hasRecords(module) {
      if (marked.has(module)) return true;
      if ((await getItem(`has#${module}`)) === undefined) return false;
      marked.add(module);
      return true;
    },
    async defer(ref, module, fields) {
      const pk = linkKey(ref);
      const existing = await getItem(pk);
      if (existing && text(existing, 'state') !== 'deferred') return false;
      const merged = { ...(JSON.parse(text(existing, 'fields') ?? '{}') as Record<string, string>), ...fields };
      try {
        await dynamo.send(new PutItemCommand({
          TableName: tableName,
          Item: { pk: S(pk), module: S(module), state: S('deferred'), fields: S(JSON.stringify(merged)), updatedAt: S(now().toISOString()), expiresAt: expiresAt() },
          // Only over nothing, or over the deferred edits just read: a claim or link made meanwhile wins.
          ConditionExpression: existing ? '#state = :deferred AND #fields = :fields' : 'attribute_not_exists(pk)',
          ...(existing ? { ExpressionAttributeNames: { '#state': 'state', '#fields': 'fields' }, ExpressionAttributeValues: { ':deferred': S('deferred'), ':fields': S(text(existing, 'fields') ?? '{}') } } : {}),
        }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async release(ref, owner, attempt) {
      try {
        await dynamo.send(new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: S(linkKey(ref)) },
          UpdateExpression: 'SET released = :yes',
          ConditionExpression: '#state = :pending AND #owner = :owner AND attempt = :attempt',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: { ':yes': { BOOL: true }, ':pending': S('pending'), ':owner': S(owner), ':attempt': { N: String(attempt) } },
        }));
      } catch (error) {
        // Linked, forgotten or taken over meanwhile: nothing of ours to let go.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },
    async forget(ref) {
      await dynamo.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: S(linkKey(ref)) } }));
    },
    async isDelivered(dedupeId) {
      return (await getItem(`done#${dedupeId}`)) !== undefined;
    },
    async markDelivered(dedupeId, status) {
      await dynamo.send(new PutItemCommand({
        TableName: tableName,
        Item: { pk: S(`done#${dedupeId}`), submission: S(status.id), expiresAt: expiresAt() },
      }));
      await this.putStatus(status);
    },
    async getStatus(submissionId) {
      const item = await getItem(`sub#${submissionId}`);
      const json = text(item, 'status');
      return json ? (JSON.parse(json) as SubmissionStatus) : undefined;
    },
    async putStatus(status) {
      await dynamo.send(new PutItemCommand({
        TableName: tableName,
        Item: { pk: S(`sub#${status.id}`), status: S(JSON.stringify(status)), expiresAt: expiresAt() },
      }));
    },
  };
}
