import { readFileSync } from 'node:fs';

const cache = new Map<string, Record<string, unknown>>();

/**
 * Local stand-in for SSM (`npm start`): a JSON object read once per process. Only ever set through
 * CSMART_FORMS_FILE / CSMART_SECRETS_FILE, which the deployed stages leave empty.
 */
export function readLocalJson(file: string): Record<string, unknown> {
  let data = cache.get(file);
  if (!data) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} must hold a JSON object`);
    data = parsed as Record<string, unknown>;
    cache.set(file, data);
  }
  return data;
}
