import { createServer } from 'node:http';
import { LocalStackError } from './errors.ts';

/** The ports config/local/forms.json and examples/lead-form.html are written for. */
export const DEFAULT_PORTS = { sandbox: 8787, offline: 3000, offlineLambda: 3002, examples: 8080, dynamo: 8000, sqs: 9324 } as const;
export type StackPorts = { [K in keyof typeof DEFAULT_PORTS]: number };

/** Which variable sets each port: named in every "port taken" message. */
export const PORT_VARIABLES: Record<keyof StackPorts, string> = {
  sandbox: 'SANDBOX_PORT',
  offline: 'OFFLINE_HTTP_PORT',
  offlineLambda: 'OFFLINE_LAMBDA_PORT',
  examples: 'EXAMPLES_PORT',
  dynamo: 'DYNAMO_PORT',
  sqs: 'SQS_PORT',
};

const PORT_PURPOSES: Record<keyof StackPorts, string> = {
  sandbox: 'the CSMART sandbox',
  offline: 'serverless offline (HTTP)',
  offlineLambda: 'serverless offline (Lambda invoke)',
  examples: 'the example form server',
  dynamo: 'the local DynamoDB',
  sqs: 'the local SQS server',
};

/** Fails with a clear message when something already listens on the port (0 = any port, always free). */
export async function assertPortFree(port: number, key: keyof StackPorts): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', (error: NodeJS.ErrnoException) => fail(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? portTaken(port, key, error) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done()));
  });
}

/** Runs a start function and turns a port clash (a race after the check) into the same clear error. */
export async function listening<T>(start: () => Promise<T>, key: keyof StackPorts): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const port = (error as { port?: number }).port;
    if ((code === 'EADDRINUSE' || code === 'EACCES') && port !== undefined) throw portTaken(port, key, error as NodeJS.ErrnoException);
    throw error;
  }
}

function portTaken(port: number, key: keyof StackPorts, cause: NodeJS.ErrnoException): LocalStackError {
  const why = cause.code === 'EACCES' ? 'cannot be used by this user' : 'is already in use';
  return new LocalStackError('port_taken', `Port ${port} for ${PORT_PURPOSES[key]} ${why} on 127.0.0.1. Stop whatever uses it, or choose another port: ${PORT_VARIABLES[key]}=<port> npm start`, { cause });
}
