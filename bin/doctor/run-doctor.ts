import type { Settings } from '../../lib/config/settings.ts';
import type { Credentials } from '../../lib/csmart/client.ts';
import { ERROR_KINDS, type ExtraErrorTexts } from '../../lib/csmart/known-errors.ts';
import { MODULE_NAMES } from '../../lib/csmart/modules.ts';
import {
  authTextCheck, editCheck, nameOnEditCheck, vocabularyCheck, errorTextsCheck, fieldNamesCheck, formatsCheck, listShapeCheck, loginDomainCheck, longTextCheck, nipCheck, polishLettersCheck, wireCheck,
} from './checks.ts';
import { settingLine, type DoctorReport, type Setting } from './report.ts';
import { surveyModule, type ModuleSurvey } from './survey.ts';
import { createDoctorWire } from './wire.ts';
import { fragmentWithout, runWriteProbes } from './write-probes.ts';

export type DoctorOptions = {
  credentials: Credentials;
  settings: Settings;
  /** Also create, edit and read back test records (`--write --yes`). */
  write: boolean;
  now?: () => Date;
  fetch?: typeof fetch;
  random?: () => number;
};

/** A token no CSMART issued: what its answer says is how this CSMART reports an expired token. */
const INVALID_TOKEN = 'csmart-doctor-invalid-token';
/** A module no CSMART has: its answer is a sample of a "the request is wrong" text. */
const PROBE_MODULE = 'CsmartDoctorProbe';

/** Checks every assumption the integration makes about CSMART against the configured account. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { credentials, settings } = options;
  const wire = createDoctorWire(credentials, { timeoutMs: settings.callTimeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const report: DoctorReport = {
    endpoint: credentials.endpoint, domain: credentials.domain, mode: options.write ? 'write' : 'read-only',
    login: { ok: false, ms: 0, status: 0, contentType: '', bom: false, domainAnswered: undefined, failure: undefined },
    modules: [], errorTexts: { auth: [], validation: [], transient: [] }, write: undefined, checks: [], settings: [], errorTextsLine: undefined,
  };

  const { answer: login, token } = await wire.login();
  const answered = (login.data as { domain?: unknown } | null | undefined)?.domain;
  report.login = {
    ok: token !== undefined, ms: login.ms, status: login.status, contentType: login.contentType, bom: login.bom,
    domainAnswered: typeof answered === 'string' ? answered : undefined,
    failure: token ? undefined : login.problem ?? (login.error || 'Login answered without a token'),
  };
  if (!token) {
    if (login.error) report.errorTexts.auth.push(login.error);
    report.checks.push({
      id: 'login', assumption: 'Login with domain, e-mail and the SHA-1 of the password answers a token', status: 'does not hold',
      found: report.login.failure!, change: 'Check CSMART_DOMAIN / CSMART_EMAIL / the password (or SSM <prefix>domain, email, password), and CSMART_API_URL.',
    });
    return finish(report);
  }

  let surveys: ModuleSurvey[] = [];
  for (const module of MODULE_NAMES) surveys.push(surveyModule(module, await wire.call(module, 'List', {}, token)));
  // The values in use before the doctor's own test records join them.
  const before = surveys;

  const expired = await wire.call('Accounts', 'List', {}, INVALID_TOKEN);
  if (expired.error) report.errorTexts.auth.push(expired.error);
  const unknownModule = await wire.call(PROBE_MODULE, 'List', {}, token);
  if (unknownModule.error) report.errorTexts.validation.push(fragmentWithout(unknownModule.error, PROBE_MODULE));

  if (options.write) {
    const knownNips = new Set<string>();
    for (const record of surveys.find((s) => s.module === 'Accounts')?.records ?? []) {
      for (const value of Object.values(record)) {
        const digits = typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D/g, '') : '';
        if (digits.length === 10) knownNips.add(digits);
      }
    }
    report.write = await runWriteProbes({ wire, token, now: (options.now ?? (() => new Date()))(), knownNips, ...(options.random ? { random: options.random } : {}) });
    report.errorTexts.auth.push(...report.write.errorTexts.auth);
    report.errorTexts.validation.push(...report.write.errorTexts.validation);
    // The test records are there now: the modules that were empty show their fields.
    const again = new Set<string>(['Accounts', 'Events', 'Opportunities']);
    surveys = await Promise.all(surveys.map(async (s) => (again.has(s.module) ? surveyModule(s.module, await wire.call(s.module, 'List', {}, token)) : s)));
  }
  report.modules = surveys.map(({ records: _records, ...rest }) => rest);
  finish(report);
  report.errorTextsLine = errorTextsLine(report.errorTexts, settings);

  report.checks.push(
    loginDomainCheck(report, credentials.domain),
    listShapeCheck(surveys),
    fieldNamesCheck(surveys, report.write, settings),
    editCheck(report.write, settings),
    nameOnEditCheck(report.write),
    nipCheck(report.write),
    authTextCheck(expired.error, expired.problem, settings, report.errorTextsLine),
    errorTextsCheck(report, settings),
    formatsCheck(report.write),
    vocabularyCheck(before),
    polishLettersCheck(report.write),
    longTextCheck(report.write),
    wireCheck(surveys, report),
  );
  return finish(report);
}

/**
 * The CSMART_ERROR_TEXTS line (main's reader, lib/csmart/known-errors.ts): the texts already configured
 * with the ones seen, so that applying it keeps what was set; none when nothing is known beyond it.
 */
function errorTextsLine(seen: DoctorReport['errorTexts'], settings: Settings): Setting | undefined {
  const table: ExtraErrorTexts = {};
  for (const kind of ERROR_KINDS) {
    const texts = [...new Set([...(settings.errorTexts?.[kind] ?? []), ...seen[kind]].map((t) => t.trim()).filter(Boolean))];
    if (texts.length > 0) table[kind] = texts;
  }
  return Object.keys(table).length > 0 ? settingLine('CSMART_ERROR_TEXTS', JSON.stringify(table)) : undefined;
}

function finish(report: DoctorReport): DoctorReport {
  const seen = new Map<string, Setting>();
  for (const check of report.checks) for (const s of check.settings ?? []) seen.set(s.env, s);
  report.settings = [...seen.values()];
  report.errorTexts.auth = [...new Set(report.errorTexts.auth.filter(Boolean))];
  report.errorTexts.validation = [...new Set(report.errorTexts.validation.filter(Boolean))];
  return report;
}
