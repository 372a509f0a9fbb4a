// Each assumption of the integration, judged from what the doctor's probes saw: holds, does not hold, or unknown.
import type { Settings } from '../../lib/config/settings.ts';
import { createAuthErrorMatcher } from '../../lib/csmart/auth-pattern.ts';
import { createErrorRecogniser, type ErrorKind } from '../../lib/csmart/known-errors.ts';
import { settingLine, type Check, type DoctorReport, type Setting } from './report.ts';
import { guessFieldNames, type ModuleSurvey } from './survey.ts';
import type { WriteFindings } from './write-probes.ts';

const WRITE_HINT = 'run `csmart doctor --write --yes` to find out with test records';

export function loginDomainCheck(report: DoctorReport, configured: string): Check {
  const assumption = 'Login answers the domain it logged in to';
  const answered = report.login.domainAnswered;
  if (answered === undefined) return { id: 'login-domain', assumption, status: 'unknown', found: 'Login answered no domain in `data`; the integration keeps using the configured one' };
  if (answered.trim().toLowerCase() === configured.trim().toLowerCase()) return { id: 'login-domain', assumption, status: 'holds', found: `"${answered}"` };
  return {
    id: 'login-domain', assumption, status: 'does not hold', found: `Login answered "${answered}" for the configured "${configured}"`,
    change: `Use CSMART's own spelling of the domain: CSMART_DOMAIN locally, SSM <prefix>domain on AWS (aws ssm put-parameter --overwrite --name <prefix>domain --type String --value '${answered}').`,
    settings: [settingLine('CSMART_DOMAIN', answered)],
  };
}

export function listShapeCheck(surveys: readonly ModuleSurvey[]): Check {
  const assumption = 'List answers an array or an id-keyed object of records';
  const odd = surveys.filter((s) => s.failure === undefined && s.shape === 'other');
  const failed = surveys.filter((s) => s.failure !== undefined);
  const shapes = surveys.filter((s) => s.failure === undefined).map((s) => `${s.module} ${s.shape}`).join(', ');
  if (odd.length > 0) {
    return { id: 'list-shape', assumption, status: 'does not hold', found: `${odd.map((s) => s.module).join(', ')} answered data that is neither (${shapes})`, change: 'The integration cannot read these lists; no setting adapts it. Send the report to the maintainers.' };
  }
  if (failed.length > 0) return { id: 'list-shape', assumption, status: 'unknown', found: `${failed.map((s) => `${s.module}: ${s.failure}`).join('; ')}${shapes ? ` (others: ${shapes})` : ''}` };
  return { id: 'list-shape', assumption, status: 'holds', found: shapes };
}

export function fieldNamesCheck(surveys: readonly ModuleSurvey[], write: WriteFindings | undefined, settings: Settings): Check {
  const assumption = 'List records carry id, name, nip, email and description under exactly those names';
  const missing = surveys.flatMap((s) => Object.entries(s.read).filter(([, state]) => state === 'missing').map(([field]) => `${s.module}.${field}`));
  const mapping: Record<string, string> = { ...guessFieldNames(surveys), ...write?.fieldNames };
  const unresolved = missing.filter((m) => !mapping[m.split('.')[1]!]);
  const withRecords = surveys.filter((s) => ['Accounts', 'Events', 'Opportunities'].includes(s.module) && s.count > 0);
  if (missing.length === 0 && Object.keys(mapping).length === 0) {
    if (withRecords.length === 0) return { id: 'field-names', assumption, status: 'unknown', found: 'Accounts, Events and Opportunities have no records to look at', change: WRITE_HINT };
    return { id: 'field-names', assumption, status: 'holds', found: `seen in ${withRecords.map((s) => s.module).join(', ')}` };
  }
  const found = [
    missing.length > 0 ? `missing: ${missing.join(', ')}` : '',
    Object.keys(mapping).length > 0 ? `found under: ${Object.entries(mapping).map(([ours, theirs]) => `${ours} → ${theirs}`).join(', ')}${write && Object.keys(write.fieldNames).length > 0 ? ' (by the values of the test client)' : ''}` : '',
    unresolved.length > 0 ? `not found at all: ${unresolved.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  const value = JSON.stringify(mapping);
  const applied = JSON.stringify(settings.fieldNames) === value;
  return {
    id: 'field-names', assumption, status: 'does not hold', found,
    change: Object.keys(mapping).length === 0 ? 'No field of the records looks like the missing ones; send the report to the maintainers.'
      : `${applied ? 'Already set: ' : ''}map our names to CSMART's with CSMART_FIELD_NAMES${unresolved.length > 0 ? ` (and send the report to the maintainers for ${unresolved.join(', ')})` : ''}.`,
    ...(Object.keys(mapping).length > 0 ? { settings: [settingLine('CSMART_FIELD_NAMES', value)] } : {}),
  };
}

export function editCheck(write: WriteFindings | undefined, settings: Settings): Check {
  const assumption = 'An edit (Save with id and only some fields) leaves the other fields alone';
  if (!write) return { id: 'edit-mode', assumption, status: 'unknown', found: 'not tried (it needs records)', change: WRITE_HINT };
  const found = write.edits.map((e) => `${e.module}: ${e.verdict}${e.blanked.length ? ` (blanked ${e.blanked.join(', ')})` : ''}${e.note ? ` — ${e.note}` : ''}`).join('; ') || 'no edit could be tried';
  if (write.edits.some((e) => e.verdict === 'replace')) {
    return {
      id: 'edit-mode', assumption, status: 'does not hold', found,
      change: `${settings.editMode === 'replace' ? 'Already set: ' : ''}CSMART replaces a record on edit; with CSMART_EDIT_MODE=replace every edit reads the record first and sends it whole.`,
      settings: [settingLine('CSMART_EDIT_MODE', 'replace')],
    };
  }
  if (write.edits.length > 0 && write.edits.every((e) => e.verdict === 'merge')) return { id: 'edit-mode', assumption, status: 'holds', found };
  return { id: 'edit-mode', assumption, status: 'unknown', found };
}

/**
 * CSMART documents a task's `name` as required on every Save, edits not excepted, and the integration
 * sends it on every task edit (the subject it last sent, else the one read from the task): whichever
 * way this CSMART answers the bare edit, nothing is to be set; the finding says which it is.
 */
export function nameOnEditCheck(write: WriteFindings | undefined): Check {
  const assumption = "A task edit is accepted as the integration sends it: with the task's subject (name, documented as required), also when only the status changes";
  const probe = write?.nameOnEdit;
  if (!write) return { id: 'name-on-edit', assumption, status: 'unknown', found: 'not tried (it needs a test task)', change: WRITE_HINT };
  if (!probe) return { id: 'name-on-edit', assumption, status: 'unknown', found: 'not tried (no test task)' };
  const shape = 'a task edit without name ({ id, status }, a bare cancellation)';
  if (probe.verdict === 'required') {
    return {
      id: 'name-on-edit', assumption, status: 'holds',
      found: `${shape} was refused: ${probe.error}; CSMART requires name on edits: handled automatically (every task edit carries the subject kept from its creation, or for a task created before subjects were kept, the one read from the task's List)`,
    };
  }
  if (probe.verdict === 'not required') {
    return { id: 'name-on-edit', assumption, status: 'holds', found: `${shape} was accepted and the subject kept; CSMART does not require name on edits (the integration sends it anyway, as documented)` };
  }
  return { id: 'name-on-edit', assumption, status: 'unknown', found: `${shape}: ${[probe.error && `refused: ${probe.error}`, probe.note].filter(Boolean).join('; ')}` };
}

/**
 * Tasks name their client by the NIP exactly as the client's record stores it, and a task CSMART refuses
 * for its NIP is saved again without it (lib/delivery/deliver.ts): a CSMART that compares the stored
 * text needs no setting, so the finding is reported, and only a refusal of the stored form itself
 * is one to act on.
 */
export function nipCheck(write: WriteFindings | undefined): Check {
  const assumption = "A task's nip, sent exactly as its client's record stores it, ties the task to that client";
  if (!write) return { id: 'nip-comparison', assumption, status: 'unknown', found: 'not tried (it needs a test client and task)', change: WRITE_HINT };
  const { nip } = write;
  const forms = nip.forms.map((f) => `"${f.form}" ${f.accepted ? 'accepted' : `refused (${f.error})`}`).join(', ');
  const found = `client stored as "${nip.stored ?? '?'}"; ${forms || 'no form tried'}${nip.unknownNipAccepted ? '; a NIP of no client was accepted too' : ''}`;
  if (nip.verdict === 'digits' || nip.verdict === 'unchecked') return { id: 'nip-comparison', assumption, status: 'holds', found };
  if (nip.verdict === 'text') {
    return { id: 'nip-comparison', assumption, status: 'holds', found: `${found}; CSMART compares the NIP as stored text: handled automatically (tasks carry the NIP as stored)` };
  }
  if (nip.stored !== undefined && nip.forms.some((f) => f.form === nip.stored && !f.accepted)) {
    return {
      id: 'nip-comparison', assumption, status: 'does not hold', found,
      change: "Nothing to set: such tasks are saved again without the NIP (it goes into the task's description), so they are not tied to the client; send the report to the maintainers.",
    };
  }
  return { id: 'nip-comparison', assumption, status: 'unknown', found };
}

/** How the client would read an error text with these settings (the table, CSMART_ERROR_TEXTS, CSMART_AUTH_ERROR_PATTERN). */
export function classifierOf(settings: Settings): (message: string) => ErrorKind {
  const recognise = recogniserOf(settings);
  return (message) => recognise(message) ?? 'transient';
}

/** The same without its default: `undefined` for a text the client does not know at all. */
function recogniserOf(settings: Settings): (message: string) => ErrorKind | undefined {
  return createErrorRecogniser({ extra: settings.errorTexts, isAuthMessage: createAuthErrorMatcher(settings.authErrorPattern?.source) });
}

/** What the client does with an expired-token text it does not read as one. */
const MISREAD_TOKEN: Record<Exclude<ErrorKind, 'auth'> | 'unknown', string> = {
  validation: 'the client would read an expired token as refused data and park deliveries',
  transient: 'the client would read an expired token as an outage and retry without logging in again',
  unknown: 'the client logs in again only because it does so once for any text it does not know: the first call after each expiry is wasted, and refusals of the data cost a login and a repeat too',
};

export function authTextCheck(text: string | undefined, problem: string | undefined, settings: Settings, errorTextsLine: Setting | undefined): Check {
  const assumption = "CSMART's answer to an expired or invalid token is recognised as one (so the client logs in again)";
  if (problem) return { id: 'auth-text', assumption, status: 'unknown', found: `a call with an invalid token was answered: ${problem}` };
  if (!text) return { id: 'auth-text', assumption, status: 'does not hold', found: 'a call with an invalid token succeeded', change: 'CSMART does not check tokens on List; nothing to adapt, but send the report to the maintainers.' };
  const kind = recogniserOf(settings)(text);
  if (kind === 'auth') return { id: 'auth-text', assumption, status: 'holds', found: `"${text}"` };
  return {
    id: 'auth-text', assumption, status: 'does not hold',
    found: `"${text}" is not recognised: ${MISREAD_TOKEN[kind ?? 'unknown']}`,
    change: 'Add the text to the "auth" list of the table of known CSMART error texts (CSMART_ERROR_TEXTS, with every text seen).',
    ...(errorTextsLine ? { settings: [errorTextsLine] } : {}),
  };
}

export function errorTextsCheck(report: DoctorReport, settings: Settings): Check {
  const assumption = 'Which error texts mean "log in again", "the data is wrong" and "try later" is known';
  const { auth, validation } = report.errorTexts;
  const found = `auth: ${auth.map((t) => `"${t}"`).join(', ') || 'none seen'}; the data is wrong: ${validation.map((t) => `"${t}"`).join(', ') || 'none seen'}; a maintenance answer cannot be provoked`;
  const classify = classifierOf(settings);
  const unknown = [...auth.filter((t) => classify(t) !== 'auth'), ...validation.filter((t) => classify(t) !== 'validation')];
  const maintenance = 'Answers that are not JSON and errors with HTTP 5xx are always retried, and so is any text the table does not know; if your CSMART announces maintenance with HTTP 200 and an error text, add that text to "transient".';
  if (unknown.length === 0) return { id: 'error-texts', assumption, status: 'unknown', found, change: `The texts seen are known. ${maintenance}` };
  return {
    id: 'error-texts', assumption, status: 'does not hold',
    found: `${found}; not known: ${unknown.map((t) => `"${t}"`).join(', ')} (an unknown text is retried: refused data would be retried for hours before it is parked)`,
    change: `Add the texts seen to the table of known CSMART error texts with CSMART_ERROR_TEXTS. ${maintenance}`,
    ...(report.errorTextsLine ? { settings: [report.errorTextsLine] } : {}),
  };
}

/** What to change when CSMART refuses a value the integration sends. */
const FORMAT_CHANGES: Record<string, string> = {
  'Accounts.type': 'form setting `typeValues` ({"company":…,"person":…})',
  'Events.status': 'webhook source settings `openStatus` / `closedStatus`',
  'Events.allDay': 'nothing configurable: all-day bookings send allDay=1',
  'Events.date_start': 'nothing configurable: dates are sent as YYYY-MM-DD',
  'Events.time_start': 'nothing configurable: times are sent as HH:MM',
  'Events.time_end': 'nothing configurable: times are sent as HH:MM',
  'Opportunities.total': 'nothing configurable: amounts are sent with a decimal dot',
  'Opportunities.final_date': 'nothing configurable: dates are sent as YYYY-MM-DD',
};

export function formatsCheck(write: WriteFindings | undefined): Check {
  const assumption = 'CSMART takes the value formats the integration sends (dates, times, allDay, type, status, total)';
  if (!write) return { id: 'value-formats', assumption, status: 'unknown', found: 'not tried (it needs records)', change: WRITE_HINT };
  const describe = (f: WriteFindings['formats'][number]) => `${f.module}.${f.field}="${f.sent}" ${!f.accepted ? `refused (${f.error})` : f.stored === undefined ? 'accepted (not shown in List)' : f.stored === f.sent ? 'kept' : `stored as "${f.stored}"`}`;
  const found = write.formats.map(describe).join('; ') || 'no value could be tried';
  // The comma in an amount is a probe of the alternative, not a format the integration sends.
  const refused = write.formats.filter((f) => !f.accepted && !(f.field === 'total' && f.sent.includes(',')));
  if (refused.length === 0) return { id: 'value-formats', assumption, status: write.formats.length > 0 ? 'holds' : 'unknown', found };
  return {
    id: 'value-formats', assumption, status: 'does not hold', found,
    change: refused.map((f) => `${f.module}.${f.field}: ${FORMAT_CHANGES[`${f.module}.${f.field}`] ?? 'send the report to the maintainers'}`).join('; '),
  };
}

export function polishLettersCheck(write: WriteFindings | undefined): Check {
  const assumption = 'Polish letters (ą ć ę ł ń ó ś ź ż) are stored as sent';
  if (!write || write.polishLetters === undefined) return { id: 'polish-letters', assumption, status: 'unknown', found: 'not tried', change: WRITE_HINT };
  return write.polishLetters
    ? { id: 'polish-letters', assumption, status: 'holds', found: 'the test client\'s "Łódź" and "Zażółć gęślą jaźń" came back intact' }
    : { id: 'polish-letters', assumption, status: 'does not hold', found: 'the test client\'s Polish letters came back changed', change: 'CSMART does not keep UTF-8 text; send the report to the maintainers.' };
}

export function longTextCheck(write: WriteFindings | undefined): Check {
  const assumption = 'A long description (messages, consent records) is kept whole';
  const long = write?.longText;
  if (!long) return { id: 'long-text', assumption, status: 'unknown', found: 'not tried', change: WRITE_HINT };
  if (long.error) return { id: 'long-text', assumption, status: 'does not hold', found: `a ${long.sent}-character description was refused: ${long.error}`, change: 'Long lead messages will be refused: limit the message field of your forms.' };
  if (long.kept === long.sent) return { id: 'long-text', assumption, status: 'holds', found: `${long.sent} characters kept` };
  if (long.kept === undefined) return { id: 'long-text', assumption, status: 'unknown', found: 'the description was accepted but its List does not show it' };
  return { id: 'long-text', assumption, status: 'does not hold', found: `kept ${long.kept} of ${long.sent} characters`, change: `CSMART cuts descriptions at about ${long.kept} characters: limit the message field of your forms below that.` };
}

export function wireCheck(surveys: readonly ModuleSurvey[], report: DoctorReport): Check {
  const seen = surveys.filter((s) => s.failure === undefined);
  const types = [...new Set([report.login.contentType, ...seen.map((s) => s.contentType)])].filter(Boolean).join(', ');
  const statuses = [...new Set([report.login.status, ...seen.map((s) => s.status)])].join(', ');
  const bom = [report.login.bom, ...seen.map((s) => s.bom)].some(Boolean);
  return {
    id: 'wire-format', assumption: 'Answers are JSON (the client tolerates a BOM, any content type and errors inside HTTP 200)', status: 'holds',
    found: `content type ${types || 'none'}; HTTP ${statuses}; ${bom ? 'with' : 'without'} a BOM`,
  };
}

/** The values the integration sends by default for the vocabulary fields, and where to change them. */
const OUR_VALUES: readonly { module: string; field: string; ours: readonly string[]; setting: string }[] = [
  { module: 'Accounts', field: 'type', ours: ['firma', 'osoba'], setting: 'form setting `typeValues` ({"company":…,"person":…})' },
  { module: 'Events', field: 'status', ours: ['nowe', 'zamknięte'], setting: 'webhook source settings `openStatus` / `closedStatus`' },
];

export function vocabularyCheck(surveys: readonly ModuleSurvey[]): Check {
  const assumption = 'The values the integration writes (Accounts type "firma"/"osoba", Events status "nowe"/"zamknięte") are the ones your CSMART uses';
  const inUse = surveys.flatMap((s) => Object.entries(s.values).map(([field, counts]) => `${s.module}.${field}: ${Object.entries(counts).map(([v, n]) => `"${v}" ×${n}`).join(', ')}`));
  const found = inUse.length > 0 ? `in use: ${inUse.join('; ')}` : 'no values in use to compare with';
  const strangers = OUR_VALUES.filter(({ module, field, ours }) => {
    const counts = surveys.find((s) => s.module === module)?.values[field];
    return counts !== undefined && !ours.some((value) => value in counts);
  });
  if (inUse.length === 0) return { id: 'value-vocabulary', assumption, status: 'unknown', found };
  if (strangers.length === 0) return { id: 'value-vocabulary', assumption, status: 'holds', found };
  return {
    id: 'value-vocabulary', assumption, status: 'unknown', found,
    change: `If your CSMART spells them otherwise, set ${strangers.map((s) => `${s.module}.${s.field} in the ${s.setting}`).join('; ')} (Opportunities status: the form's followUps.opportunity.status or a source's opportunityStatus).`,
  };
}
