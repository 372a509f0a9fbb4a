/**
 * `npm run sandbox`: a local CSMART on http://127.0.0.1:8787/app/api.php that keeps its data in
 * .sandbox-data/store.json across restarts. Settings: SANDBOX_HOST, SANDBOX_PORT, SANDBOX_DATA_FILE
 * (empty = memory only), SANDBOX_TOKEN_TTL (seconds), SANDBOX_SYNTHETIC_ACCOUNTS (count), and the behaviour
 * switches SANDBOX_EDIT_MODE, SANDBOX_FIELD_NAMES, SANDBOX_NIP_MATCH, SANDBOX_ERROR_TEXTS,
 * SANDBOX_REQUIRED_ON_EDIT (behaviour.ts).
 */
import { resolve } from 'node:path';
import { BehaviourInputError, behaviourFromEnv } from './behaviour.ts';
import { DEMO_USER, startSandbox } from './server.ts';

function numberSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`${name} must be a whole number, 0 or more (got "${raw}")`);
    process.exit(2);
  }
  return value;
}

function behaviourSettings() {
  try {
    return behaviourFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof BehaviourInputError)) throw error;
    console.error(error.message.replace(/^(\w+) must/, 'SANDBOX_$1 must'));
    process.exit(2);
  }
}

const behaviour = behaviourSettings();
const dataFile = process.env.SANDBOX_DATA_FILE ?? '.sandbox-data/store.json';
const sandbox = await startSandbox({
  host: process.env.SANDBOX_HOST || '127.0.0.1',
  port: numberSetting('SANDBOX_PORT', 8787),
  tokenTtlSeconds: numberSetting('SANDBOX_TOKEN_TTL', 3600),
  syntheticAccounts: numberSetting('SANDBOX_SYNTHETIC_ACCOUNTS', 0),
  behaviour,
  ...(dataFile === '' ? {} : { dataFile: resolve(dataFile) }),
});

console.log(`CSMART sandbox: ${sandbox.url}`);
console.log(`admin:          ${sandbox.adminUrl}`);
if (Object.keys(behaviour).length > 0) console.log(`behaviour:      ${JSON.stringify(behaviour)}`);
console.log(`data:           ${dataFile === '' ? 'in memory only' : resolve(dataFile)}`);
console.log('Demo credentials (paste into your shell or .env):');
console.log(`CSMART_API_URL=${sandbox.url} CSMART_DOMAIN=${DEMO_USER.domain} CSMART_EMAIL=${DEMO_USER.email} CSMART_PASSWORD=${DEMO_USER.password}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing the sandbox`);
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
