import { afterAll, beforeAll, beforeEach } from 'vitest';
import { DEMO_USER, startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server.ts';
import { modeFromEnv } from './sandbox-modes.ts';

export type DemoCredentials = { endpoint: string; domain: string; email: string; password: string };

export type SandboxHandle = {
  /** The running sandbox; only there inside tests and hooks (it starts in beforeAll). */
  readonly current: Sandbox;
  /** The demo login for the running sandbox, in the shape the client's credentials take. */
  readonly demoCredentials: DemoCredentials;
};

/**
 * One sandbox for the whole test file: started before all tests, reset before each (store re-seeded,
 * log, faults, stats and tokens cleared), closed after all. Call it at the top of a test file.
 * Under `SANDBOX_MODE` (sandbox-modes.ts) the sandbox takes that mode's behaviour, unless the file sets `behaviour` itself.
 */
export function useSandbox(options?: SandboxOptions): SandboxHandle {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    const mode = modeFromEnv();
    sandbox = await startSandbox(mode && !options?.behaviour ? { ...options, behaviour: mode.behaviour } : options);
  });
  beforeEach(async () => {
    // A slow call of the test before (a latency fault) must not land in this test's fresh store or log.
    sandbox?.faults.clear();
    for (let waited = 0; sandbox && sandbox.stats.inFlight > 0 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    sandbox?.reset();
  });
  afterAll(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  const handle: SandboxHandle = {
    get current() {
      if (!sandbox) throw new Error('the sandbox runs only inside tests and hooks of the file that called useSandbox()');
      return sandbox;
    },
    get demoCredentials() {
      const user = options?.users?.[0] ?? DEMO_USER;
      return { endpoint: handle.current.url, domain: user.domain, email: user.email, password: user.password };
    },
  };
  return handle;
}
