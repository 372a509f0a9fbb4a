import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_PARAMETERS, CREDENTIAL_VARIABLES } from '../../lib/config/credentials.ts';
import { SETTINGS } from '../../lib/config/settings.ts';

const readme = readFileSync('README.md', 'utf8');
const ci = readFileSync('.ci/run', 'utf8');

describe('the README', () => {
  it.each(SETTINGS.map((s) => s.env))('documents %s in its configuration table', (env) => {
    expect(readme).toMatch(new RegExp(`\\| [^|\\n]*\`${env}\``));
  });

  it('documents the local credential variables and every SSM credential parameter', () => {
    for (const env of Object.values(CREDENTIAL_VARIABLES)) expect(readme).toContain(`\`${env}\``);
    for (const name of Object.values(CREDENTIAL_PARAMETERS)) expect(readme).toContain(`<prefix>${name}`);
  });

  it('has the test command that CI runs, exactly', () => {
    const command = /^npm ci && npm test$/m;
    expect(readme).toMatch(command);
    expect(ci).toMatch(command);
  });
});
