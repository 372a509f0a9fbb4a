import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';

/**
 * A local DynamoDB for tests and `npm start`: dynalite (pure Node, in memory unless given a path), and
 * the project's tables created from the CloudFormation resources `serverless.yml` includes.
 */

// Neither package ships types. js-yaml comes with osls (its own dependency), so it costs nothing extra.
const require = createRequire(import.meta.url);
type Dynalite = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => Server;
type YamlType = new (tag: string, options: { kind: 'scalar' | 'sequence' | 'mapping'; construct: (data: unknown) => unknown }) => unknown;
type JsYaml = {
  load(text: string, options?: { schema?: unknown; filename?: string }): unknown;
  Type: YamlType;
  DEFAULT_SCHEMA: { extend(types: unknown[]): unknown };
};
const dynalite = require('dynalite') as Dynalite;
const yaml = require('js-yaml') as JsYaml;

export const LOCAL_DYNAMO_REGION = 'eu-central-1';
const LOCAL_ACCOUNT = '000000000000';

export type LocalDynamoOptions = {
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  host?: '127.0.0.1';
  /** A LevelDB directory to keep data between runs; in memory when absent. */
  path?: string;
};

export type LocalDynamo = {
  /** `http://127.0.0.1:<port>` — for `AWS_ENDPOINT_URL_DYNAMODB` or the client's `endpoint` option. */
  endpoint: string;
  close(): Promise<void>;
};

/** Starts dynalite on loopback. Tables become ACTIVE at once (dynalite's default is after 500 ms). */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const host = options.host ?? '127.0.0.1';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path ? { path: options.path } : {}) });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close() {
      // Keep-alive sockets from SDK clients would hold the server open.
      server.closeAllConnections();
      return new Promise<void>((resolveClose, reject) => server.close((error) => (error ? reject(error) : resolveClose())));
    },
  };
}

export type ServerlessTablesOptions = {
  stage: string;
  /** Path to serverless.yml, relative to the working directory. */
  serviceYml?: string;
  region?: string;
  /** For `${env:…}` variables; default `process.env`. */
  env?: Record<string, string | undefined>;
};

/** Could not read the tables from serverless.yml (a file, a variable or a table definition). */
export class ServerlessConfigError extends Error {
  override readonly name = 'ServerlessConfigError';
  readonly code = 'SERVERLESS_CONFIG';
}

/**
 * The CreateTable inputs for every `AWS::DynamoDB::Table` in serverless.yml's `resources`, with the
 * Framework variables they use resolved. Billing is always on demand; TTL, PITR and SSE are left out
 * (dynalite has no API for them).
 */
export function tableDefinitionsFromServerless(options: ServerlessTablesOptions): CreateTableCommandInput[] {
  const file = resolve(options.serviceYml ?? 'serverless.yml');
  const config = loadYaml(file);
  const resolver = new VariableResolver(config, {
    stage: options.stage,
    region: options.region ?? LOCAL_DYNAMO_REGION,
    env: options.env ?? process.env,
    dir: dirname(file),
  });
  const tables: CreateTableCommandInput[] = [];
  for (const [logicalId, resource] of Object.entries(resolver.resources())) {
    if (!isObject(resource) || resource.Type !== 'AWS::DynamoDB::Table') continue;
    const properties = resolver.resolve(resource.Properties ?? {});
    if (!isObject(properties)) throw new ServerlessConfigError(`Table ${logicalId} has no Properties.`);
    tables.push(createTableInput(logicalId, properties));
  }
  return tables;
}

/** Creates the project's tables on a local endpoint (existing ones are kept) and answers their names. */
export async function createTablesFromServerless(options: ServerlessTablesOptions & { endpoint: string }): Promise<string[]> {
  const definitions = tableDefinitionsFromServerless(options);
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region ?? LOCAL_DYNAMO_REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    for (const input of definitions) {
      try {
        await client.send(new CreateTableCommand(input));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      await waitUntilActive(client, input.TableName!);
    }
  } finally {
    client.destroy();
  }
  return definitions.map((input) => input.TableName!);
}

async function waitUntilActive(client: DynamoDBClient, TableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((wait) => setTimeout(wait, 20));
  }
  throw new ServerlessConfigError(`Table ${TableName} did not become ACTIVE.`);
}

function createTableInput(logicalId: string, p: Record<string, unknown>): CreateTableCommandInput {
  if (!Array.isArray(p.KeySchema) || !Array.isArray(p.AttributeDefinitions)) {
    throw new ServerlessConfigError(`Table ${logicalId} needs KeySchema and AttributeDefinitions.`);
  }
  const index = (i: Record<string, unknown>) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection });
  return {
    // CloudFormation would generate a name; locally the logical id is as good.
    TableName: typeof p.TableName === 'string' ? p.TableName : logicalId,
    KeySchema: p.KeySchema,
    AttributeDefinitions: p.AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
    ...(Array.isArray(p.GlobalSecondaryIndexes) && p.GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map(index) } : {}),
    ...(Array.isArray(p.LocalSecondaryIndexes) && p.LocalSecondaryIndexes.length > 0 ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes.map(index) } : {}),
  } as CreateTableCommandInput;
}

// CloudFormation's short tags (!Ref, !GetAtt, !Sub…) become their long forms, so any template loads.
const CFN_FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];
const CFN_SCHEMA = yaml.DEFAULT_SCHEMA.extend([
  ...(['scalar', 'sequence', 'mapping'] as const).flatMap((kind) => [
    new yaml.Type('!Ref', { kind, construct: (data) => ({ Ref: data }) }),
    new yaml.Type('!Condition', { kind, construct: (data) => ({ Condition: data }) }),
    ...CFN_FUNCTIONS.map((name) => new yaml.Type(`!${name}`, {
      kind,
      construct: (data) => ({ [`Fn::${name}`]: name === 'GetAtt' && typeof data === 'string' ? data.split('.') : data }),
    })),
  ]),
]);

function loadYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ServerlessConfigError(`Cannot read ${file}.`, { cause });
  }
  return yaml.load(text, { schema: CFN_SCHEMA, filename: file });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SERVERLESS_SOURCE = /^(sls|opt|self|param|env|aws|ssm|s3|cf|strToBool):|^file\(/;

type ResolverContext = { stage: string; region: string; env: Record<string, string | undefined>; dir: string };

/**
 * The Serverless Framework variables this project uses: `${sls:stage}`, `${opt:stage}`, `${self:…}`,
 * `${param:…}` (from `params`, with `prefix` defaulting to `<service>-<stage>`), `${env:…}`,
 * `${aws:region}`, `${aws:accountId}`, `${file(…)}`, quoted fallbacks (`${env:X, 'default'}`).
 */
class VariableResolver {
  constructor(private readonly config: unknown, private readonly context: ResolverContext) {}

  resources(): Record<string, unknown> {
    const section = isObject(this.config) ? this.config.resources : undefined;
    const parts = Array.isArray(section) ? section : section === undefined ? [] : [section];
    const merged: Record<string, unknown> = {};
    for (const part of parts) {
      const loaded = typeof part === 'string' ? this.resolve(part) : part;
      if (isObject(loaded) && isObject(loaded.Resources)) Object.assign(merged, loaded.Resources);
    }
    return merged;
  }

  resolve(value: unknown, depth = 0): unknown {
    if (depth > 20) throw new ServerlessConfigError('Variables nest too deeply (a cycle?).');
    if (typeof value === 'string') return this.resolveString(value, depth);
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, depth));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolve(item, depth)]));
    return value;
  }

  private resolveString(text: string, depth: number): unknown {
    const start = text.indexOf('${');
    if (start < 0) return text;
    const end = matchingBrace(text, start + 1);
    if (end < 0) throw new ServerlessConfigError(`Unclosed variable in "${text}".`);
    const expression = text.slice(start + 2, end);
    const rest = this.resolveString(text.slice(end + 1), depth);
    // `${AWS::Region}`, `${Bucket.Arn}`: CloudFormation's own Fn::Sub syntax, left for CloudFormation.
    if (!SERVERLESS_SOURCE.test(expression.trim())) return `${text.slice(0, end + 1)}${String(rest)}`;
    const value = this.resolveExpression(expression, depth + 1);
    // A variable that is the whole value keeps its type (an object from a file, a number).
    if (start === 0 && end === text.length - 1) return value;
    return `${text.slice(0, start)}${String(value)}${String(rest)}`;
  }

  private resolveExpression(expression: string, depth: number): unknown {
    for (const alternative of splitTopLevel(expression)) {
      const value = this.resolveSource(alternative.trim(), depth);
      if (value !== undefined && value !== null) return value;
    }
    throw new ServerlessConfigError(`Cannot resolve \${${expression}}.`);
  }

  private resolveSource(source: string, depth: number): unknown {
    const quoted = /^(['"])(.*)\1$/s.exec(source);
    if (quoted) return this.resolve(quoted[2], depth);
    if (/^-?\d+(\.\d+)?$/.test(source)) return Number(source);
    const file = /^file\((.+?)\)(?::(.+))?$/.exec(source);
    if (file) {
      // Loaded as is: only the parts that are used (the tables) have their variables resolved.
      const loaded = loadYaml(resolve(this.context.dir, String(this.resolve(file[1]!.trim(), depth))));
      return file[2] ? lookup(loaded, file[2].trim()) : loaded;
    }
    const colon = source.indexOf(':');
    const kind = source.slice(0, colon);
    const name = source.slice(colon + 1).trim();
    switch (kind) {
      case 'sls':
        return name === 'stage' ? this.context.stage : undefined;
      case 'opt':
        return name === 'stage' ? this.context.stage : name === 'region' ? this.context.region : undefined;
      case 'aws':
        return name === 'region' ? this.context.region : name === 'accountId' ? LOCAL_ACCOUNT : undefined;
      case 'env':
        return this.context.env[name];
      case 'self':
        return this.resolve(lookup(this.config, name), depth);
      case 'param':
        return this.resolve(this.param(name), depth);
      default:
        return undefined;
    }
  }

  private param(name: string): unknown {
    const params = isObject(this.config) && isObject(this.config.params) ? this.config.params : {};
    const forStage = isObject(params[this.context.stage]) ? params[this.context.stage] as Record<string, unknown> : {};
    const defaults = isObject(params.default) ? params.default : {};
    if (Object.hasOwn(forStage, name)) return forStage[name];
    if (Object.hasOwn(defaults, name)) return defaults[name];
    return name === 'prefix' ? '${self:service}-${sls:stage}' : undefined;
  }
}

function lookup(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined;
  return value;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

// Splits `a, 'b, c', ${d, e}` at the commas outside quotes and nested variables.
function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of expression) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '{') {
      depth += 1;
    } else if (ch === '}') {
      depth -= 1;
    } else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}
