/**
 * The Polish error texts the sandbox answers with. The vendor does not document its wording; these are
 * written to read like a PHP service's messages, and clients must never branch on them.
 */
export const MESSAGES = {
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
