import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RegisterAnswer } from './vat-register.ts';

/** A found or not-found answer, as kept for later leads with the same NIP. */
export type CachedAnswer = Exclude<RegisterAnswer, { kind: 'limit' }>;

export type RegisterStore = {
  /** The answer for a NIP looked up within the last `cacheDays`, if any. */
  get(nip: string): Promise<CachedAnswer | undefined>;
  put(nip: string, answer: CachedAnswer): Promise<void>;
  /** Counts one register request on a day (the register's, Polish date) and answers the day's count so far. */
  countRequest(day: string): Promise<number>;
  /** The register said its limit is used up: no more requests that day, whatever our count says. */
  exhaust(day: string, limit: number): Promise<void>;
};

/** The register's answers for a date never change; a month keeps company data fresh enough for a CRM. */
export const REGISTER_CACHE_DAYS = 30;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

/**
 * Kept in the link table under their own key prefixes (`vat#<nip>`, `vatcount#<day>`), so enrichment needs
 * no table or permission of its own. Items carry `expiresAt` for the table's TTL; reads check the age too.
 */
export function createRegisterStore(options: { dynamo: Pick<DynamoDBClient, 'send'>; tableName: string; now?: () => Date }): RegisterStore {
  const { dynamo, tableName } = options;
  const now = options.now ?? (() => new Date());
  const seconds = () => Math.floor(now().getTime() / 1000);
  return {
    async get(nip) {
      const { Item } = await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { pk: S(`vat#${nip}`) } }));
      const storedAt = Number(Item?.storedAt?.N);
      const json = Item?.answer?.S;
      if (!json || !Number.isFinite(storedAt) || seconds() - storedAt > REGISTER_CACHE_DAYS * 86_400) return undefined;
      return JSON.parse(json) as CachedAnswer;
    },
    async put(nip, answer) {
      await dynamo.send(new PutItemCommand({
        TableName: tableName,
        Item: { pk: S(`vat#${nip}`), answer: S(JSON.stringify(answer)), storedAt: N(seconds()), expiresAt: N(seconds() + REGISTER_CACHE_DAYS * 86_400) },
      }));
    },
    async countRequest(day) {
      const { Attributes } = await dynamo.send(new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: S(`vatcount#${day}`) },
        UpdateExpression: 'ADD requests :one SET expiresAt = :expires',
        ExpressionAttributeValues: { ':one': N(1), ':expires': N(seconds() + 3 * 86_400) },
        ReturnValues: 'UPDATED_NEW',
      }));
      return Number(Attributes?.requests?.N ?? '1');
    },
    async exhaust(day, limit) {
      await dynamo.send(new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: S(`vatcount#${day}`) },
        UpdateExpression: 'SET requests = :limit, expiresAt = :expires',
        ExpressionAttributeValues: { ':limit': N(limit), ':expires': N(seconds() + 3 * 86_400) },
      }));
    },
  };
}
