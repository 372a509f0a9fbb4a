import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { bundle, scratchModule } from './measure.ts';

/** The AWS SDK packages each function uses (what its IAM role and imports name). */
export const FUNCTION_SDK = {
  leads: ['sqs', 'ssm'],
  webhooks: ['sqs', 'ssm'],
  worker: ['sqs', 'dynamodb', 'ssm'],
  export: ['s3', 'lib-storage', 'eventbridge', 'ssm'],
} as const;
export type FunctionName = keyof typeof FUNCTION_SDK;
export type SdkPart = (typeof FUNCTION_SDK)[FunctionName][number];

export const SDK_LABELS: Record<SdkPart, string> = {
  sqs: 'SQS', ssm: 'SSM', dynamodb: 'DynamoDB', s3: 'S3', 'lib-storage': 'lib-storage', eventbridge: 'EventBridge',
};

// Each client is constructed at module scope (as lib/config/aws/* does on first use), so tree-shaking
// keeps the client with its whole middleware stack, credential chain and endpoint rules.
const SDK_SOURCE: Record<SdkPart, { imports: string; value: string }> = {
  sqs: { imports: "import { SQSClient } from '@aws-sdk/client-sqs';", value: 'new SQSClient({})' },
  ssm: { imports: "import { SSMClient } from '@aws-sdk/client-ssm';", value: 'new SSMClient({})' },
  dynamodb: { imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", value: 'new DynamoDBClient({})' },
  s3: { imports: "import { S3Client } from '@aws-sdk/client-s3';", value: 'new S3Client({})' },
  // Upload needs its parameters; referencing the class keeps it in the bundle.
  'lib-storage': { imports: "import { Upload } from '@aws-sdk/lib-storage';", value: 'Upload' },
  eventbridge: { imports: "import { EventBridgeClient } from '@aws-sdk/client-eventbridge';", value: 'new EventBridgeClient({})' },
};

/** Where the SDK comes from: (a) inside the bundle, (b) the Lambda runtime's copy (`external`). */
export const VARIANTS = {
  bundled: { label: '(a) SDK bundled', external: [] as string[] },
  runtime: { label: '(b) SDK from the runtime', external: ['@aws-sdk/*', '@smithy/*'] },
} as const;
export type Variant = keyof typeof VARIANTS;

export type BuiltBundle = { file: string; bytes: number };

/**
 * Bundles entries as serverless.yml does (measure.ts `bundle()`) and keeps the output in one scratch folder inside the project,
 * so that a bundle with the SDK left external finds it in node_modules, as it would in the runtime.
 */
export class BundleFolder {
  readonly #dir = mkdtempSync(join(process.cwd(), 'bench/.scratch-bundles-'));
  readonly #scratch: string[] = [];

  async build(name: string, entry: string, variant: Variant, options: { dynamicImport?: boolean } = {}): Promise<BuiltBundle> {
    const built = await bundle(entry, { external: [...VARIANTS[variant].external], ...options });
    const file = join(this.#dir, `${name}.${variant}${extname(built.file)}`);
    copyFileSync(built.file, file);
    rmSync(dirname(built.file), { recursive: true, force: true });
    return { file, bytes: built.bytes };
  }

  /** An entry that only constructs the given SDK clients, as the baseline of a function's bundle. */
  sdkOnlyEntry(parts: readonly SdkPart[]): string {
    const sources = parts.map((part) => SDK_SOURCE[part]);
    const file = scratchModule(`${sources.map((s) => s.imports).join('\n')}
const sdk = [${sources.map((s) => s.value).join(', ')}];
export const handler = async () => sdk.length;
`);
    this.#scratch.push(dirname(file));
    return file;
  }

  emptyEntry(): string {
    const file = scratchModule('export const handler = async () => ({});');
    this.#scratch.push(dirname(file));
    return file;
  }

  remove(): void {
    for (const dir of [this.#dir, ...this.#scratch]) rmSync(dir, { recursive: true, force: true });
  }
}
