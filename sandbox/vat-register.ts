import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the Ministry of Finance VAT payers' register ("white list", wl-api.mf.gov.pl), for
 * tests and `npm start`: `GET /api/search/nip/{nip}?date=YYYY-MM-DD` answered in the API's documented
 * shapes and codes — a subject, `subject: null` for a NIP it does not know, 400 `{code, message}` for bad
 * input (WL-101/102 date, WL-103 a date after today in Poland, WL-112…115 NIP), and, when told to, the daily
 * limit (429 WL-191), a server error (500 WL-100) or a database just updated (400 WL-195, once). Data is made
 * up; the NIPs pass the checksum.
 */

/** A subject as the register returns it (`EntityItem`, the fields we read and a few more). */
export type RegisterSubject = {
  name: string;
  nip: string;
  statusVat: 'Czynny' | 'Zwolniony' | 'Niezarejestrowany';
  regon: string;
  krs: string | null;
  workingAddress: string | null;
  residenceAddress: string | null;
  accountNumbers: string[];
  hasVirtualAccounts: boolean;
  registrationLegalDate: string;
};

/** `found` answers from the data; `refreshed` answers WL-195 to one request, then `found`; the others answer every request so until changed. */
export type RegisterMode = 'found' | 'limit' | 'error' | 'slow' | 'refreshed';

export type FakeVatRegister = {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  subjects: Map<string, RegisterSubject>;
  mode: RegisterMode;
  reset(): void;
  close(): Promise<void>;
};

export const DEMO_SUBJECTS: RegisterSubject[] = [
  {
    name: 'PRZYKŁADOWA SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ', nip: '7770001111', statusVat: 'Czynny', regon: '123456785', krs: '0000123456',
    workingAddress: 'UL. PIOTRKOWSKA 100, 90-001 ŁÓDŹ', residenceAddress: null, accountNumbers: ['61109010140000071219812874'], hasVirtualAccounts: false,
    registrationLegalDate: '2015-03-02',
  },
  {
    name: 'JAN KOWALSKI USŁUGI INFORMATYCZNE', nip: '9517538522', statusVat: 'Zwolniony', regon: '987654321', krs: null,
    workingAddress: null, residenceAddress: 'UL. DŁUGA 5/7, 31-147 KRAKÓW', accountNumbers: [], hasVirtualAccounts: false,
    registrationLegalDate: '2019-07-15',
  },
];

const SEARCH_NIP = /^\/api\/search\/nip\/([^/?]*)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function startFakeVatRegister(options: { host?: string; port?: number; subjects?: RegisterSubject[] } = {}): Promise<FakeVatRegister> {
  const initial = options.subjects ?? DEMO_SUBJECTS;
  const state = { mode: 'found' as RegisterMode };
  const subjects = new Map(initial.map((s) => [s.nip, s]));
  const requests: string[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://register.local');
    requests.push(`${url.pathname}${url.search}`);
    const match = SEARCH_NIP.exec(url.pathname);
    if (req.method !== 'GET' || !match) return answer(res, 404, { code: 'WL-404', message: 'Nie znaleziono zasobu.' });
    if (state.mode === 'limit') return answer(res, 429, { code: 'WL-191', message: 'Limit żądań dla tego adresu IP został na dziś wyczerpany.' });
    if (state.mode === 'error') return answer(res, 500, { code: 'WL-100', message: 'Wystąpił nieoczekiwany błąd serwera.' });
    if (state.mode === 'slow') return; // never answers: the caller's timeout is what is tested
    if (state.mode === 'refreshed') {
      state.mode = 'found';
      return answer(res, 400, { code: 'WL-195', message: 'Zaktualizowaliśmy bazę danych. Wykonaj ponownie zapytanie, aby otrzymać aktualne dane.' });
    }
    const nip = decodeURIComponent(match[1] ?? '');
    const date = url.searchParams.get('date');
    if (!date) return answer(res, 400, { code: 'WL-101', message: "Pole 'data' nie może być puste." });
    if (!DATE.test(date)) return answer(res, 400, { code: 'WL-102', message: "Pole 'data' ma nieprawidłowy format." });
    // The register's "today" is the Polish date: a caller asking for its UTC or local date is refused around midnight.
    if (date > polishDate(new Date())) return answer(res, 400, { code: 'WL-103', message: 'Data nie może być datą przyszłą.' });
    if (nip === '') return answer(res, 400, { code: 'WL-112', message: "Pole 'NIP' nie może być puste." });
    if (nip.length !== 10) return answer(res, 400, { code: 'WL-113', message: `Pole 'NIP' ma nieprawidłową długość. Wymagane 10 znaków (${nip}).` });
    if (!/^\d{10}$/.test(nip)) return answer(res, 400, { code: 'WL-114', message: `Pole 'NIP' zawiera niedozwolone znaki. Wymagane tylko cyfry (${nip}).` });
    if (!nipChecksumOk(nip)) return answer(res, 400, { code: 'WL-115', message: `Nieprawidłowy NIP (${nip}).` });
    const subject = subjects.get(nip) ?? null;
    return answer(res, 200, { result: { subject, requestDateTime: requestDateTime(), requestId: randomBytes(5).toString('hex') } });
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    subjects,
    get mode() { return state.mode; },
    set mode(value: RegisterMode) { state.mode = value; },
    reset() {
      state.mode = 'found';
      requests.length = 0;
      subjects.clear();
      for (const s of initial) subjects.set(s.nip, s);
    },
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const WARSAW = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

function warsawParts(d: Date): Record<string, string> {
  return Object.fromEntries(WARSAW.formatToParts(d).map((part) => [part.type, part.value]));
}

function polishDate(d: Date): string {
  const p = warsawParts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

function nipChecksumOk(nip: string): boolean {
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(nip[i]), 0);
  return sum % 11 === Number(nip[9]);
}

/** `dd-MM-yyyy HH:mm:ss` in Polish time, as the register writes its request time. */
function requestDateTime(): string {
  const p = warsawParts(new Date());
  return `${p.day}-${p.month}-${p.year} ${p.hour}:${p.minute}:${p.second}`;
}
