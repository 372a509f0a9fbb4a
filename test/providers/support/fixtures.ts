import { readFileSync } from 'node:fs';

const EVENTS = new URL('../../events/', import.meta.url);

/** A fixture's exact bytes, as a sender would put them on the wire. */
export function eventBytes(source: string, name: string): Buffer {
  return readFileSync(new URL(`${source}/${name}.json`, EVENTS));
}

/** A fixture parsed, to derive variants (other times, missing fields) that are then re-serialised and signed. */
export function eventJson<T = Record<string, any>>(source: string, name: string): T {
  return JSON.parse(eventBytes(source, name).toString('utf8')) as T;
}
