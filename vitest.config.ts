import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start their own servers on port 0, so files can run side by side.
    pool: 'forks',
    // Every file runs under the log guard, with the functions logging as they do on AWS.
    setupFiles: ['test/support/log-guard.ts'],
    env: { POWERTOOLS_LOG_LEVEL: 'INFO' },
  },
});
