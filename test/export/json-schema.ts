/**
 * A small JSON Schema checker for the keywords our schemas use (type, required, properties,
 * additionalProperties: false, enum, const, pattern, items, minimum, not, anyOf, allOf, if/then,
 * and $ref to an already loaded schema). Returns the problems found; an empty list means valid.
 */
export type Schema = Record<string, unknown>;

function typeOk(type: string, value: unknown): boolean {
  switch (type) {
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'null': return value === null;
    default: return typeof value === type;
  }
}

export function validate(schema: Schema, value: unknown, refs: Record<string, Schema> = {}, path = '$'): string[] {
  const problems: string[] = [];
  const s = schema as {
    type?: string; required?: string[]; properties?: Record<string, Schema>; additionalProperties?: boolean;
    enum?: unknown[]; const?: unknown; pattern?: string; items?: Schema; minimum?: number; not?: Schema;
    anyOf?: Schema[]; allOf?: Schema[]; if?: Schema; then?: Schema; $ref?: string;
  };
  if (s.$ref) {
    const target = refs[s.$ref];
    if (!target) return [`${path}: unknown $ref ${s.$ref}`];
    return validate(target, value, refs, path);
  }
  if (s.type && !typeOk(s.type, value)) return [`${path}: expected ${s.type}`];
  if (s.enum && !s.enum.includes(value)) problems.push(`${path}: not one of ${s.enum.join(', ')}`);
  if ('const' in s && s.const !== value) problems.push(`${path}: expected ${String(s.const)}`);
  if (s.pattern && typeof value === 'string' && !new RegExp(s.pattern, 'u').test(value)) problems.push(`${path}: does not match ${s.pattern}`);
  if (s.minimum !== undefined && typeof value === 'number' && value < s.minimum) problems.push(`${path}: below ${s.minimum}`);
  if (typeOk('object', value)) {
    const object = value as Record<string, unknown>;
    for (const name of s.required ?? []) if (!(name in object)) problems.push(`${path}: missing ${name}`);
    for (const [name, child] of Object.entries(object)) {
      const sub = s.properties?.[name];
      if (sub) problems.push(...validate(sub, child, refs, `${path}.${name}`));
      else if (s.additionalProperties === false) problems.push(`${path}: unexpected ${name}`);
    }
  }
  if (s.items && Array.isArray(value)) value.forEach((item, i) => problems.push(...validate(s.items!, item, refs, `${path}[${i}]`)));
  if (s.not && validate(s.not, value, refs, path).length === 0) problems.push(`${path}: matches a forbidden shape`);
  if (s.anyOf && !s.anyOf.some((sub) => validate(sub, value, refs, path).length === 0)) problems.push(`${path}: matches none of anyOf`);
  for (const sub of s.allOf ?? []) problems.push(...validate(sub, value, refs, path));
  if (s.if && s.then && validate(s.if, value, refs, path).length === 0) problems.push(...validate(s.then, value, refs, path));
  return problems;
}
