/** One `Label: value` line, or nothing when the value is empty. */
export function line(label: string, value: string | number | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : `${label}: ${text}`;
}

/** Description text from lines, skipping empty ones; undefined when nothing is left. */
export function joinLines(lines: readonly (string | undefined | null | false)[]): string | undefined {
  const kept = lines.filter((l): l is string => typeof l === 'string' && l.trim() !== '');
  return kept.length === 0 ? undefined : kept.join('\n');
}

/** A primitive answer as text (`tak`/`nie` for booleans, lists joined with commas), or undefined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'tak' : 'nie';
  if (Array.isArray(value)) {
    const parts = value.map(textOf).filter((p): p is string => p !== undefined);
    return parts.length === 0 ? undefined : parts.join(', ');
  }
  return undefined;
}

/** First non-empty trimmed text among the candidates. */
export function firstText(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    const text = typeof candidate === 'string' ? candidate.trim() : typeof candidate === 'number' ? textOf(candidate) : undefined;
    if (text) return text;
  }
  return undefined;
}

/** `first last`, or undefined when both are empty. */
export function personName(first: string | null | undefined, last: string | null | undefined): string | undefined {
  return firstText([first, last].map((p) => p?.trim() ?? '').filter(Boolean).join(' '));
}
