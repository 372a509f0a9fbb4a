import { CsmartConfigError } from './errors.ts';
import { foldDiacritics } from './auth-pattern.ts';

/**
 * What an `error` text inside a CSMART answer means for the caller:
 * - `validation`: about the data or the request itself — repeating it cannot help (permanent, to the DLQ);
 * - `auth`: the token or the credentials — log in again once;
 * - `transient`: the service's state (maintenance, rate limit, a database error) — retry with backoff.
 * A text in no row is `transient`: an unknown message must never park good work on the first try.
 */
export const ERROR_KINDS = ['validation', 'auth', 'transient'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * The texts we know, as fragments matched anywhere in the message (case- and diacritic-insensitive),
 * each with an example of the whole message. The vendor does not document its wording; these are the
 * sandbox's (sandbox/messages.ts), which reads like the vendor's PHP service. Extend with CSMART_ERROR_TEXTS.
 */
export const KNOWN_ERROR_TEXTS: readonly { kind: ErrorKind; text: string; example: string }[] = [
  { kind: 'auth', text: 'nieprawidłowy lub wygasły token', example: 'Nieprawidłowy lub wygasły token. Zaloguj się ponownie.' },
  { kind: 'auth', text: 'nieprawidłowy login lub hasło', example: 'Nieprawidłowy login lub hasło.' },
  { kind: 'validation', text: 'jest wymagane', example: 'Pole name jest wymagane.' },
  { kind: 'validation', text: 'nieprawidłowa wartość pola', example: 'Nieprawidłowa wartość pola nip.' },
  { kind: 'validation', text: 'brak wymaganego parametru', example: 'Brak wymaganego parametru: module' },
  { kind: 'validation', text: 'nieznane pole', example: 'Nieznane pole: colour' },
  { kind: 'validation', text: 'nieznany moduł', example: 'Nieznany moduł: Leads' },
  { kind: 'validation', text: 'nieznana akcja', example: 'Nieznana akcja: Delete' },
  { kind: 'validation', text: 'nie obsługuje akcji', example: 'Moduł Quotes nie obsługuje akcji Save.' },
  { kind: 'validation', text: 'nieobsługiwana metoda', example: 'Nieobsługiwana metoda żądania. Użyj POST.' },
  { kind: 'validation', text: 'rekord o podanym id nie istnieje', example: 'Rekord o podanym id nie istnieje.' },
  { kind: 'validation', text: 'nie znaleziono klienta o podanym nip', example: 'Nie znaleziono klienta o podanym NIP.' },
  { kind: 'validation', text: 'nie znaleziono klienta o podanym id', example: 'Nie znaleziono klienta o podanym id.' },
  { kind: 'transient', text: 'błąd wewnętrzny', example: 'Wystąpił błąd wewnętrzny. Spróbuj ponownie później.' },
  { kind: 'transient', text: 'przerwa techniczna', example: 'Przerwa techniczna. Zapraszamy za kilka minut.' },
  { kind: 'transient', text: 'zbyt wiele', example: 'Zbyt wiele zapytań. Spróbuj ponownie za chwilę.' },
  { kind: 'transient', text: 'błąd bazy danych', example: 'Błąd bazy danych: Deadlock found when trying to get lock' },
];

/** The shape of CSMART_ERROR_TEXTS: `{"validation":["…"],"auth":["…"],"transient":["…"]}`. */
export type ExtraErrorTexts = Partial<Record<ErrorKind, string[]>>;

/** Reads CSMART_ERROR_TEXTS; throws a CsmartConfigError naming the setting (never echoing its value). */
export function parseErrorTexts(json: string): ExtraErrorTexts {
  const fail = (expected: string) => new CsmartConfigError(`CSMART_ERROR_TEXTS must be ${expected}`, { field: 'CSMART_ERROR_TEXTS' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw fail('JSON such as {"validation":["…"],"auth":["…"],"transient":["…"]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail('a JSON object');
  const out: ExtraErrorTexts = {};
  for (const [kind, texts] of Object.entries(parsed)) {
    if (!(ERROR_KINDS as readonly string[]).includes(kind)) throw fail(`an object with keys ${ERROR_KINDS.join(', ')}`);
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string' && t.trim() !== '')) throw fail(`a list of non-empty texts under "${kind}"`);
    out[kind as ErrorKind] = texts as string[];
  }
  return out;
}

const fold = (text: string) => foldDiacritics(text).toLowerCase().replace(/\s+/g, ' ');

/**
 * Builds the classifier: configured texts first (they may override a built-in one), then the table,
 * then the auth pattern (CSMART_AUTH_ERROR_PATTERN), and whatever is left is transient.
 */
export function createErrorClassifier(options: { extra?: ExtraErrorTexts; isAuthMessage?: (message: string) => boolean } = {}): (message: string) => ErrorKind {
  const recognise = createErrorRecogniser(options);
  return (message) => recognise(message) ?? 'transient';
}

/**
 * The classifier without its default: `undefined` for a text in no row that the auth pattern does not match
 * either. The client reads such a text as transient, but logs in again once first: it may be an expired token in words we do not know.
 */
export function createErrorRecogniser(options: { extra?: ExtraErrorTexts; isAuthMessage?: (message: string) => boolean } = {}): (message: string) => ErrorKind | undefined {
  const rows: { kind: ErrorKind; text: string }[] = [];
  for (const kind of ERROR_KINDS) for (const text of options.extra?.[kind] ?? []) rows.push({ kind, text: fold(text.trim()) });
  for (const row of KNOWN_ERROR_TEXTS) rows.push({ kind: row.kind, text: fold(row.text) });
  return (message) => {
    const folded = fold(message);
    const row = rows.find((r) => folded.includes(r.text));
    if (row) return row.kind;
    if (options.isAuthMessage?.(message)) return 'auth';
    return undefined;
  };
}
