import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStackError } from './errors.ts';
import { DEFAULT_PORTS, PORT_VARIABLES, type StackPorts } from './ports.ts';

export const LOCAL_STAGE = 'local';
export const LOCAL_REGION = 'eu-central-1';
/** The project root: scripts/local/ is two levels down. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type Env = Readonly<Record<string, string | undefined>>;

export type LocalStackOptions = {
  root: string;
  ports: StackPorts;
  /** The sandbox's data file; undefined keeps everything in memory (and the link table with it). */
  sandboxDataFile: string | undefined;
  formsFile: string;
  secretsFile: string;
  startTimeoutMs: number;
  /** Where serverless offline's output goes once it is ready (before that it is kept, and shown on failure). */
  output: (line: string) => void;
};

/** Reads the stack's settings from the environment (pure: no I/O); docs/local-stack.md lists them. */
export function readLocalStackOptions(env: Env, root = PROJECT_ROOT, output: (line: string) => void = () => {}): LocalStackOptions {
  const port = (key: keyof StackPorts): number => {
    const variable = PORT_VARIABLES[key];
    const raw = env[variable]?.trim();
    if (!raw) return DEFAULT_PORTS[key];
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    // Port 0 ("any") only makes sense where nobody needs to know the port in advance.
    const min = key === 'dynamo' || key === 'sqs' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min || value > 65535) {
      throw new LocalStackError('bad_setting', `${variable} must be a port number from ${min} to 65535 (got "${raw}")`);
    }
    return value;
  };
  const ports: StackPorts = {
    sandbox: port('sandbox'), offline: port('offline'), offlineLambda: port('offlineLambda'), examples: port('examples'), dynamo: port('dynamo'), sqs: port('sqs'),
  };
  const fixed = (Object.keys(ports) as (keyof StackPorts)[]).filter((key) => ports[key] !== 0);
  for (const [i, a] of fixed.entries()) {
    const b = fixed.slice(i + 1).find((other) => ports[other] === ports[a]);
    if (b) throw new LocalStackError('bad_setting', `${PORT_VARIABLES[a]} and ${PORT_VARIABLES[b]} are both ${ports[a]}; give each its own port`);
  }

  const timeout = env.OFFLINE_START_TIMEOUT?.trim();
  const startTimeoutSeconds = timeout ? Number(timeout) : 120;
  if (!Number.isFinite(startTimeoutSeconds) || startTimeoutSeconds <= 0) {
    throw new LocalStackError('bad_setting', `OFFLINE_START_TIMEOUT must be a number of seconds above 0 (got "${timeout}")`);
  }
  // Same variable and default as `npm run sandbox`: both share one store; empty = memory only.
  const dataFile = env.SANDBOX_DATA_FILE ?? '.sandbox-data/store.json';
  return {
    root,
    ports,
    sandboxDataFile: dataFile.trim() === '' ? undefined : resolve(root, dataFile),
    formsFile: resolve(root, env.CSMART_FORMS_FILE?.trim() || 'config/local/forms.json'),
    secretsFile: resolve(root, env.CSMART_SECRETS_FILE?.trim() || 'config/local/secrets.json'),
    startTimeoutMs: startTimeoutSeconds * 1000,
    output,
  };
}
