import type { ModuleSurvey } from './survey.ts';
import type { WriteFindings } from './write-probes.ts';

export type CheckStatus = 'holds' | 'does not hold' | 'unknown';

/** One assumption of the integration about CSMART, as the doctor found it. */
export type Check = {
  id: string;
  assumption: string;
  status: CheckStatus;
  /** What was seen. */
  found: string;
  /** What to change, when something should. */
  change?: string;
  /** The settings that adapt the integration (environment variables; serverless.yml passes them on deploy). */
  settings?: Setting[];
};

export type Setting = { env: string; value: string; line: string };

export type DoctorReport = {
  endpoint: string;
  domain: string;
  mode: 'read-only' | 'write';
  login: { ok: boolean; ms: number; status: number; contentType: string; bom: boolean; domainAnswered: string | undefined; failure: string | undefined };
  modules: Omit<ModuleSurvey, 'records'>[];
  errorTexts: { auth: string[]; validation: string[]; transient: string[] };
  write: WriteFindings | undefined;
  checks: Check[];
  /** Every settings line of the checks, once each. */
  settings: Setting[];
  /** The error texts seen, as the line that adds them to the table of known CSMART error texts. */
  errorTextsLine: Setting | undefined;
};

/** `NAME=value`, single-quoted for a POSIX shell when the value needs it. */
export function settingLine(env: string, value: string): Setting {
  const quoted = /^[A-Za-z0-9_.,:/@+-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
  return { env, value, line: `${env}=${quoted}` };
}

const MARK: Record<CheckStatus, string> = { holds: 'holds', 'does not hold': 'DOES NOT HOLD', unknown: 'unknown' };

/** The report for a person: modules, each assumption with what to change, then the settings to apply. */
export function renderReport(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`csmart doctor — ${report.endpoint}, domain "${report.domain}" (${report.mode === 'write' ? 'with test records' : 'read-only'})`, '');
  const login = report.login;
  lines.push(login.ok
    ? `Login: ok in ${login.ms} ms (HTTP ${login.status}, ${login.contentType || 'no content type'}${login.bom ? ', with BOM' : ''})${login.domainAnswered === undefined ? '' : `, domain answered: "${login.domainAnswered}"`}`
    : `Login: FAILED — ${login.failure}`);
  if (report.modules.length > 0) {
    lines.push('', 'Modules (List):');
    for (const m of report.modules) {
      if (m.failure !== undefined) {
        lines.push(`  ${m.module.padEnd(14)} FAILED in ${m.ms} ms: ${m.failure}`);
        continue;
      }
      lines.push(`  ${m.module.padEnd(14)} ${String(m.count).padStart(7)} records  ${String(m.ms).padStart(6)} ms  ${String(m.bytes).padStart(10)} bytes  ${m.shape}  HTTP ${m.status}  ${m.contentType || '-'}${m.bom ? '  BOM' : ''}`);
      const fields = Object.entries(m.fields).map(([name, types]) => `${name}:${types.join('|')}`);
      if (fields.length > 0) lines.push(`    fields: ${fields.join(', ')}`);
      for (const [field, counts] of Object.entries(m.values)) lines.push(`    ${field} values: ${Object.entries(counts).map(([v, n]) => `"${v}" ×${n}`).join(', ')}`);
      if (m.count === 0) continue;
      const read = Object.entries(m.read).map(([name, state]) => `${name} ${state === 'missing' ? 'MISSING' : state === 'id-key' ? 'as key' : 'ok'}`);
      lines.push(`    read by the integration: ${read.join(', ')}`);
    }
  }
  if (report.write) {
    lines.push('', 'Test records left in CSMART (CSMART documents no delete; remove them by hand):');
    for (const r of report.write.created) lines.push(`  ${r.module} ${r.id}  ${r.name}`);
    for (const failure of report.write.failures) lines.push(`  note: ${failure}`);
  }
  lines.push('', 'Assumptions:');
  for (const check of report.checks) {
    lines.push(`  [${MARK[check.status]}] ${check.assumption}`);
    lines.push(`      found: ${check.found}`);
    if (check.change) lines.push(`      change: ${check.change}`);
    for (const s of check.settings ?? []) lines.push(`      setting: ${s.line}`);
  }
  lines.push('');
  if (report.settings.length === 0) lines.push('No settings to change.');
  else {
    lines.push('Settings for this CSMART (environment of bin/csmart and npm start; export them before `npx osls deploy`, which passes them to the functions):');
    for (const s of report.settings) lines.push(`  ${s.line}`);
  }
  if (report.errorTextsLine && !report.settings.some((s) => s.env === report.errorTextsLine!.env)) {
    lines.push('', 'Error texts seen, for the table of known CSMART error texts (harmless where they are known already):', `  ${report.errorTextsLine.line}`);
  }
  const counts = { holds: 0, 'does not hold': 0, unknown: 0 };
  for (const c of report.checks) counts[c.status]++;
  lines.push('', `${counts.holds} hold, ${counts['does not hold']} do not hold, ${counts.unknown} unknown${report.mode === 'read-only' ? ' (csmart doctor --write --yes checks edits, NIP forms and value formats with test records)' : ''}.`);
  return `${lines.join('\n')}\n`;
}
