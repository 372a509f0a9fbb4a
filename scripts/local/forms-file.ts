import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStackError } from './errors.ts';
import { DEFAULT_PORTS } from './ports.ts';

/**
 * The forms file for the running stack. config/local/forms.json names the example origin on port 8080;
 * on another EXAMPLES_PORT a copy with that port is written to a temporary folder, so the example form's
 * origin stays allowed and its thank-you page stays reachable. The caller removes `temporaryDir` on stop.
 */
export function localFormsFile(file: string, examplesPort: number): { path: string; temporaryDir?: string } {
  if (!existsSync(file)) throw new LocalStackError('bad_setting', `The forms file ${file} does not exist (CSMART_FORMS_FILE)`);
  if (examplesPort === DEFAULT_PORTS.examples) return { path: file };
  const temporaryDir = mkdtempSync(join(tmpdir(), 'csmart-local-'));
  const path = join(temporaryDir, 'forms.json');
  writeFileSync(path, retargetExampleOrigin(readFileSync(file, 'utf8'), examplesPort));
  return { path, temporaryDir };
}

/** Points the example origin (127.0.0.1 or localhost, port 8080) at another port; pure text replacement. */
export function retargetExampleOrigin(text: string, port: number): string {
  return text.replace(/http:\/\/(127\.0\.0\.1|localhost):8080(?![0-9])/g, (_, host: string) => `http://${host}:${port}`);
}
