import type { LocalDynamo } from '../../emulators/dynamodb.ts';
import type { LocalSqs } from '../../emulators/sqs/index.ts';
import { DEMO_USER, type Sandbox } from '../../sandbox/server.ts';
import { LOCAL_REGION, type Env } from './options.ts';
import type { StackPorts } from './ports.ts';

/** The environment of `serverless offline`: it passes only serverless.yml's variables and AWS_* ones on to the functions. */
export function offlineEnvironment(
  base: Env,
  parts: { sandbox: Pick<Sandbox, 'url'>; dynamo: Pick<LocalDynamo, 'endpoint'>; sqs: Pick<LocalSqs, 'endpoint'>; formsFile: string; secretsFile: string; ports: StackPorts },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    // No real AWS account, profile or endpoint may leak in: locally everything is on loopback.
    if (value === undefined || name.startsWith('AWS_')) continue;
    env[name] = value;
  }
  // Settings of a deployed stage that would send the functions elsewhere than the local stack.
  for (const name of ['CSMART_PASSWORD_SHA1', 'CSMART_QUEUE_URL', 'CSMART_DLQ_URL', 'CSMART_LINK_TABLE', 'CSMART_SSM_PREFIX']) delete env[name];
  return {
    ...env,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // dynalite accepts any keys; the SDK only needs some to sign with.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: parts.dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: parts.sqs.endpoint,
    CSMART_API_URL: parts.sandbox.url,
    CSMART_DOMAIN: DEMO_USER.domain,
    CSMART_EMAIL: DEMO_USER.email,
    CSMART_PASSWORD: DEMO_USER.password,
    CSMART_FORMS_FILE: parts.formsFile,
    CSMART_SECRETS_FILE: parts.secretsFile,
    // serverless-esbuild's work folder, once serverless.yml reads it (custom.esbuild.outputWorkFolder): `osls package`
    // and other local stacks empty .esbuild/ when they finish, which would take this stack's bundles with them.
    ESBUILD_WORK_FOLDER: `.esbuild-local/${parts.ports.offline}`,
    OFFLINE_HTTP_PORT: String(parts.ports.offline),
    OFFLINE_LAMBDA_PORT: String(parts.ports.offlineLambda),
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
}
