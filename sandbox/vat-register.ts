import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the Ministry of Finance VAT payers' register ("white list", wl-api.mf.gov.pl), for
 * tests and `npm start`: `GET /api/search/nip/{nip}?date=YYYY-MM-DD` answered in the API's documented
 * shapes — a subject, `subject: null` for a NIP it does not know, 400 `{code, message}` for bad input,
 * and, when told to, the daily limit or a server error. Data is made up; the NIPs pass the checksum.
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

/** `found` answers from the data; the others answer every request so until changed. */
export type RegisterMode = 'found' | 'limit' | 'error' | 'slow';

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
    if (state.mode === 'limit') return answer(res, 429, { code: 'WL-LIMIT', message: 'Przekroczono dzienny limit zapytań.' });
    if (state.mode === 'error') return answer(res, 500, { code: 'WL-100', message: 'Wystąpił nieoczekiwany błąd serwera.' });
    if (state.mode === 'slow') return; // never answers: the caller's timeout is what is tested
    const nip = decodeURIComponent(match[1] ?? '');
    const date = url.searchParams.get('date');
    if (!date) return answer(res, 400, { code: 'WL-101', message: "Pole 'data' nie może być puste." });
    if (!DATE.test(date)) return answer(res, 400, { code: 'WL-102', message: "Pole 'data' ma nieprawidłowy format." });
    if (!/^\d{10}$/.test(nip)) return answer(res, 400, { code: 'WL-113', message: "Pole 'NIP' ma nieprawidłową długość lub znaki. Wymagane 10 cyfr." });
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

/** `dd-MM-yyyy HH:mm:ss`, as the register writes its request time. */
function requestDateTime(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}-${p(d.getMonth() + 1)}-${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
