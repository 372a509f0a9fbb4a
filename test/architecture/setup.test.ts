import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function sources(folder: string): { path: string; text: string }[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ path: `${folder}/${file}`, text: readFileSync(join(root, folder, file), 'utf8') }));
}

/** Code without its comments, so a comment that names `process.env` does not count. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('one setup per function', () => {
  it('reads the environment only in the function files: lib is handed it', () => {
    // Powertools' metrics read their namespace when the module loads, as the library is built to. The wall clock
    // reads no setting: it sets TZ to a zone for one synchronous step (how V8's Date reads that zone's rules) and puts it back.
    const allowed = (path: string, text: string) => (path === 'lib/time/wall-clock.ts' ? text.replaceAll('process.env.TZ', '') : text);
    const readers = sources('lib').filter(({ path, text }) => path !== 'lib/observability/metrics.ts' && allowed(path, code(text)).includes('process.env'));

    expect(readers.map((r) => r.path)).toEqual([]);
  });

  it('keeps no resettable process state in lib: no reset or clear hooks for tests', () => {
    const hooks = sources('lib').flatMap(({ path, text }) => [...code(text).matchAll(/export function (reset\w*|clear\w*Cache\w*)\(/g)].map((m) => `${path}: ${m[1]}`));

    expect(hooks).toEqual([]);
  });

  it('builds each function from its own setup module, once, in its handler file', () => {
    for (const { path, text } of sources('functions')) {
      const name = path.slice('functions/'.length, -'.ts'.length);
      expect(text, path).toMatch(new RegExp(`from '\\.\\./lib/setup/${name}\\.ts'`));
      expect(text.match(/export const handler = /g), path).toHaveLength(1);
      expect(text.split('\n').length, path).toBeLessThan(50);
    }
  });
});
