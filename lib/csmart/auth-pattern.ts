/**
 * The vendor does not document how an expired or invalid token is reported. We treat an `error` text
 * that speaks of the token, login, authorisation or session — Polish or English — as an auth failure.
 * Matching is case- and diacritic-insensitive ("Sesja wygasła" and "sesja wygasla" both match).
 */
export const DEFAULT_AUTH_ERROR_PATTERN =
  'token|log ?in|zaloguj|logowa|autoryz|authori[sz]|authenticat|uwierzyteln|sesj|session|unauthori|wylogowan';

/** Text without diacritics; `ł` has no Unicode decomposition, so it is mapped by hand. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/ł/g, 'l').replace(/Ł/g, 'L');
}

export function createAuthErrorMatcher(pattern: string = DEFAULT_AUTH_ERROR_PATTERN): (message: string) => boolean {
  const regex = new RegExp(foldDiacritics(pattern), 'iu');
  return (message) => regex.test(foldDiacritics(message));
}
