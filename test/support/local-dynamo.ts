import { afterAll, beforeAll } from 'vitest';
import { createTablesFromServerless, startLocalDynamo } from '../../emulators/dynamodb.ts';
import type { LocalDynamo } from '../../emulators/dynamodb.ts';

export type LocalDynamoHandle = {
  /** The dynalite endpoint; readable once `beforeAll` has run. */
  readonly endpoint: string;
  /** The link table for the stage (`csmart-connect-test-links` by default). */
  readonly tableName: string;
  /** Every table created from serverless.yml. */
  readonly tables: readonly string[];
};

const ENV_NAMES = ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

/**
 * For a vitest file: starts dynalite on an ephemeral port before all tests, creates the project's
 * tables for the stage, and points the SDK's default DynamoDB client at it through
 * `AWS_ENDPOINT_URL_DYNAMODB` with dummy credentials. Everything is undone after all tests.
 */
export function useLocalDynamo(options: { stage?: string } = {}): LocalDynamoHandle {
  const stage = options.stage ?? 'test';
  const saved = new Map<string, string | undefined>();
  let dynamo: LocalDynamo | undefined;
  let tables: string[] = [];

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    tables = await createTablesFromServerless({ endpoint: dynamo.endpoint, stage });
    for (const name of ENV_NAMES) saved.set(name, process.env[name]);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'eu-central-1',
    });
  });

  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await dynamo?.close();
  });

  return {
    get endpoint() {
      if (!dynamo) throw new Error('useLocalDynamo: the endpoint is known only once beforeAll has run.');
      return dynamo.endpoint;
    },
    tableName: `csmart-connect-${stage}-links`,
    get tables() {
      return tables;
    },
  };
}
