const SOURCE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Whether a path segment can name a webhook source (the caller answers 404 otherwise). */
export function isValidSourceName(source: string): boolean {
  return SOURCE_NAME.test(source);
}
