/**
 * Parses each named setting once per distinct raw value: warm invocations reuse the result, and a
 * changed value (after the SSM cache's TTL) is parsed again. A parse that throws is not cached.
 */
export function parsedOnce<R, T>(parse: (name: string, raw: R) => T): (name: string, raw: R) => T {
  const parsed = new Map<string, { raw: R; value: T }>();
  return (name, raw) => {
    const hit = parsed.get(name);
    if (hit && hit.raw === raw) return hit.value;
    const value = parse(name, raw);
    parsed.set(name, { raw, value });
    return value;
  };
}
