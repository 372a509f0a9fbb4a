/**
 * The Polish error texts the sandbox answers with. The vendor does not document its wording; these are
 * written to read like a PHP service's messages, and clients must never branch on them.
 */
export type Messages = {
  readonly [K in keyof typeof DEFAULT_MESSAGES]: (typeof DEFAULT_MESSAGES)[K] extends string ? string : (typeof DEFAULT_MESSAGES)[K];
};

const DEFAULT_MESSAGES = {
  loginFailed: 'Nieprawidłowy login lub hasło.',
  badToken: 'Nieprawidłowy lub wygasły token. Zaloguj się ponownie.',
  missingParameter: (name: string) => `Brak wymaganego parametru: ${name}`,
  unknownModule: (module: string) => `Nieznany moduł: ${module}`,
  unknownAction: (action: string) => `Nieznana akcja: ${action}`,
  unsupportedAction: (module: string, action: string) => `Moduł ${module} nie obsługuje akcji ${action}.`,
  methodNotAllowed: 'Nieobsługiwana metoda żądania. Użyj POST.',
  unknownRecord: 'Rekord o podanym id nie istnieje.',
  unknownField: (name: string) => `Nieznane pole: ${name}`,
  requiredField: (name: string) => `Pole ${name} jest wymagane.`,
  invalidValue: (name: string) => `Nieprawidłowa wartość pola ${name}.`,
  accountNipNotFound: 'Nie znaleziono klienta o podanym NIP.',
  accountIdNotFound: 'Nie znaleziono klienta o podanym id.',
  internalError: 'Wystąpił błąd wewnętrzny. Spróbuj ponownie później.',
} as const;

export const MESSAGES: Messages = DEFAULT_MESSAGES;

/**
 * Other wording for the same errors (`errorTexts: "alternative"`): what an account whose texts our
 * defaults do not recognise looks like. Its expired-token text matches no word of the built-in
 * auth pattern and none of its texts is in the table of known error texts (lib/csmart/known-errors.ts), so
 * only `CSMART_ERROR_TEXTS` (or `CSMART_AUTH_ERROR_PATTERN` for the expired token) tells them apart.
 */
export const ALTERNATIVE_MESSAGES: Messages = {
  loginFailed: 'Odmowa dostępu: błędne dane.',
  badToken: 'Odmowa dostępu (kod 401).',
  missingParameter: (name: string) => `Niekompletne żądanie (${name}).`,
  unknownModule: (module: string) => `Moduł ${module} nie istnieje.`,
  unknownAction: (action: string) => `Akcja ${action} nie istnieje.`,
  unsupportedAction: (module: string, action: string) => `Akcja ${action} niedostępna w ${module}.`,
  methodNotAllowed: 'Dozwolony jest tylko POST.',
  unknownRecord: 'Brak rekordu.',
  unknownField: (name: string) => `Pole ${name} nie istnieje.`,
  requiredField: (name: string) => `Uzupełnij ${name}.`,
  invalidValue: (name: string) => `Zła wartość w ${name}.`,
  accountNipNotFound: 'Brak kontrahenta z tym NIP-em.',
  accountIdNotFound: 'Brak kontrahenta.',
  internalError: 'Błąd serwera.',
};
