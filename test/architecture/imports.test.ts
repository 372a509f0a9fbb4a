import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every TypeScript file under a folder of the repository, as a path relative to the root. */
function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`, over several lines too.
const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The repository paths a file imports (relative specifiers resolved; packages left out). */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1] ?? match[2] ?? match[3] ?? '')
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)));
}

/** `file → imported` for every import of the folders' files that lands under one of the forbidden folders. */
function crossings(folders: string[], forbidden: string[]): string[] {
  return folders.flatMap(sourceFiles).flatMap((file) =>
    importsOf(file).filter((target) => forbidden.some((folder) => target === folder || target.startsWith(`${folder}/`))).map((target) => `${file} → ${target}`));
}

describe('the direction imports run', () => {
  it('reads the imports of a file, type-only and re-exports included', () => {
    expect(importsOf('lib/providers/index.ts')).toEqual(expect.arrayContaining(['lib/providers/types.ts', 'lib/providers/errors.ts', 'lib/providers/meta/provider.ts']));
    expect(importsOf('lib/http/body.ts')).toEqual(expect.arrayContaining(['lib/mapping/body-fields.ts', 'lib/http/errors.ts']));
  });

  it('keeps the pure core (mapping, providers, enrichment) free of HTTP: it throws domain errors that lib/http answers', () => {
    expect(crossings(['lib/mapping', 'lib/providers', 'lib/enrichment'], ['lib/http'])).toEqual([]);
  });

  it('keeps lib/ from importing the functions, benchmarks, scripts or tests built on it', () => {
    expect(crossings(['lib'], ['functions', 'bench', 'scripts', 'test'])).toEqual([]);
  });

  it('runs one way through the layers of lib, top to bottom, never back up (docs/architecture.md)', () => {
    // Folders on one row do not import each other.
    const LAYERS = [
      ['setup'], ['leads', 'webhooks'], ['http'], ['observability'], ['delivery', 'export'], ['providers'],
      ['mapping', 'enrichment'], ['intake'], ['config'], ['csmart'], ['errors', 'time', 'aws', 'memory'],
    ];
    const layerOf = (folder: string) => LAYERS.findIndex((row) => row.includes(folder));
    const folders = readdirSync(join(ROOT, 'lib'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.filter((folder) => layerOf(folder) < 0), 'every folder of lib has its layer').toEqual([]);

    const upward = sourceFiles('lib').flatMap((file) => {
      const from = file.split('/')[1]!;
      return importsOf(file).filter((target) => target.startsWith('lib/') && target.split('/')[1] !== from)
        .filter((target) => layerOf(target.split('/')[1]!) <= layerOf(from)).map((target) => `${file} → ${target}`);
    });
    expect(upward).toEqual([]);
  });
});
