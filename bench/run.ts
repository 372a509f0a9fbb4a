/** `npm run bench -- <name>…` runs bench/<name>.ts (all when none is named), each in its own process. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const all = readdirSync('bench').filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3)).sort();
const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : all) {
  if (!all.includes(name)) {
    console.error(`no benchmark "${name}"; one of ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== bench/${name}`);
  execFileSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
}
