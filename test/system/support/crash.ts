import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Invocation = { crash(): void };
const invocations = new AsyncLocalStorage<Invocation>();

/**
 * A worker process killed at the worst moment: after CSMART stored a record, before its link was
 * written. The link write of an armed crash never returns (the process is gone: nothing after it
 * runs), and the invocation is abandoned without a batch response, as Lambda does when its
 * environment dies — its messages come back only when their visibility timeout ends.
 */
export function crashPoint(client: DynamoDBClient) {
  let armed = 0;
  let crashes = 0;
  client.middlewareStack.add((next, context) => async (args) => {
    const input = args.input as { Item?: Record<string, { S?: string }> };
    const linking = context.commandName === 'PutItemCommand' && input.Item?.pk?.S?.startsWith('link#') && input.Item.state?.S === 'linked';
    const invocation = invocations.getStore();
    if (linking && armed > 0 && invocation) {
      armed--;
      crashes++;
      invocation.crash();
      return new Promise<never>(() => {});
    }
    return next(args);
  }, { step: 'initialize', name: 'faultLoadCrashPoint' });
  return {
    arm(count: number) { armed = count; },
    get crashes() { return crashes; },
    /** Runs one invocation; answers `crashed` (and leaves it hanging forever) when it hit an armed crash. */
    run<T>(invoke: () => Promise<T>): Promise<T | 'crashed'> {
      let crash!: () => void;
      const crashed = new Promise<'crashed'>((resolve) => { crash = () => resolve('crashed'); });
      return Promise.race([invocations.run({ crash }, invoke), crashed]);
    },
  };
}
