/**
 * `npm start`: the CSMART sandbox, a local DynamoDB, the example form and `serverless offline --stage local`,
 * all on 127.0.0.1 and without an AWS account. Ports: SANDBOX_PORT (8787), OFFLINE_HTTP_PORT (3000),
 * OFFLINE_LAMBDA_PORT (3002), EXAMPLES_PORT (8080), DYNAMO_PORT (8000), SQS_PORT (9324). Ctrl-C stops everything.
 * docs/local-stack.md tells the rest.
 */
import { startupBanner } from './local/banner.ts';
import { readDemoSecret } from './local/demo-requests.ts';
import { LocalStackError } from './local/errors.ts';
import { readLocalStackOptions } from './local/options.ts';
import { startLocalStack, type LocalStack } from './local/stack.ts';

const starting = new AbortController();
let stack: LocalStack | undefined;
let stopRequested = false;

function stop(signal: NodeJS.Signals): void {
  // Ctrl-C reaches this process twice (from the terminal and relayed by tsx): stop once.
  if (stopRequested) return;
  stopRequested = true;
  console.log(`\n${signal}: stopping the local stack…`);
  // Still starting: startLocalStack stops whatever it started, and the catch below exits.
  if (!stack) return starting.abort();
  stack.stop().then(stopped, (error: unknown) => {
    console.error('The local stack did not stop cleanly:', error);
    process.exit(1);
  });
}

function stopped(): never {
  console.log('Stopped.');
  process.exit(0);
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

try {
  const options = readLocalStackOptions(process.env, undefined, (line) => console.log(line));
  console.log('Starting the CSMART sandbox, DynamoDB (dynalite), SQS, the example form server and serverless offline…');
  stack = await startLocalStack(options, starting.signal);
  console.log(startupBanner({ urls: stack.urls, offlinePid: stack.offlinePid, demoSecret: readDemoSecret(options.secretsFile), now: new Date() }));
  // Without offline the stack is no use: if it ends by itself, stop the rest and say so.
  const running = stack;
  void running.offlineExited.then(async (how) => {
    if (stopRequested) return;
    stopRequested = true;
    console.error(`npm start: serverless offline ended unexpectedly (${how}); stopping the local stack`);
    await running.stop();
    process.exit(1);
  });
} catch (error) {
  if (error instanceof LocalStackError && error.code === 'aborted') stopped();
  console.error(error instanceof LocalStackError ? `npm start: ${error.message}` : error);
  process.exit(1);
}
