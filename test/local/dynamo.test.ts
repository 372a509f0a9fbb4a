import {
  ConditionalCheckFailedException, DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createTablesFromServerless, startLocalDynamo, tableDefinitionsFromServerless } from '../../emulators/dynamodb.ts';
import { useLocalDynamo } from '../support/local-dynamo.ts';

const FIXTURE = 'test/local/fixtures/serverless/serverless.yml';

describe('local DynamoDB (dynalite) with the project tables', () => {
  const dynamo = useLocalDynamo();
  const clients: DynamoDBClient[] = [];
  // Built inside each test: the endpoint and credentials come from the environment useLocalDynamo sets.
  const defaultClient = () => {
    const client = new DynamoDBClient({ maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  it('listens on loopback and names the stage link table', () => {
    expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dynamo.tableName).toBe('csmart-connect-test-links');
    expect(dynamo.tables).toContain('csmart-connect-test-links');
  });

  it('creates the link table with the key schema from infra/storage.yml', async () => {
    const { Table } = await defaultClient().send(new DescribeTableCommand({ TableName: dynamo.tableName }));

    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('answers a conditional PutItem conflict with ConditionalCheckFailedException', async () => {
    const client = defaultClient();
    const put = (id: string) => client.send(new PutItemCommand({
      TableName: dynamo.tableName,
      Item: { pk: { S: 'link#calendly#evt-1' }, csmartId: { S: id } },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));

    await put('101');
    const second = put('202');

    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = await client.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: 'link#calendly#evt-1' } } }));
    expect(Item?.csmartId).toEqual({ S: '101' });
  });

  it('keeps existing tables when asked to create them again', async () => {
    const again = await createTablesFromServerless({ endpoint: dynamo.endpoint, stage: 'test' });
    const { TableNames } = await defaultClient().send(new ListTablesCommand({}));

    expect(again).toEqual(dynamo.tables);
    expect(TableNames?.filter((name) => name === dynamo.tableName)).toHaveLength(1);
  });
});

describe('table definitions from serverless.yml', () => {
  it('resolves params, self, stage and env fallbacks across included files', () => {
    const tables = tableDefinitionsFromServerless({ serviceYml: FIXTURE, stage: 'dev', env: {} });

    expect(tables.map((t) => t.TableName)).toEqual(['shop-sync-dev-orders', 'shop-sync-dev-inline']);
  });

  it('uses the stage params over the defaults, and an env variable when it is set', () => {
    const tables = tableDefinitionsFromServerless({ serviceYml: FIXTURE, stage: 'prod', env: { SHOP_INLINE_TABLE: 'from-env' } });

    expect(tables.map((t) => t.TableName)).toEqual(['shop-live-orders', 'from-env']);
  });

  it('creates on-demand tables with their indexes and without TTL or provisioned throughput', () => {
    const [orders] = tableDefinitionsFromServerless({ serviceYml: FIXTURE, stage: 'dev', env: {} });

    expect(orders).toEqual({
      TableName: 'shop-sync-dev-orders',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'email', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [{ IndexName: 'by-email', KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
  });

  it('creates those tables on a separately started dynalite', async () => {
    const local = await startLocalDynamo({ host: '127.0.0.1' });
    const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      const names = await createTablesFromServerless({ endpoint: local.endpoint, serviceYml: FIXTURE, stage: 'dev', env: {} });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'shop-sync-dev-orders' }));

      expect(names).toEqual(['shop-sync-dev-orders', 'shop-sync-dev-inline']);
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['by-email']);
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
