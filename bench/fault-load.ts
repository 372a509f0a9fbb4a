/**
 * The whole-system fault and load test with the big plan (1,000 leads, 150 phone-only leads, 60 people
 * through form and webhook at once, 200 bookings, …): the same test CI runs small, run through vitest,
 * printing its figures (accepted, delivered, parked with reason, duplicates, lost). It asserts as in CI.
 */
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/system/fault-load.test.ts', '-t', 'every dependency'], {
  stdio: 'inherit',
  env: { ...process.env, FAULT_LOAD_PLAN: 'big' },
});
process.exitCode = result.status ?? 1;
