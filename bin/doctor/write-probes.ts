import type { SaveModule } from '../../lib/csmart/modules.ts';
import type { DoctorWire, RawAnswer } from './wire.ts';

/** What the probes that need records found out (`csmart doctor --write`). */
export type WriteFindings = {
  /** The test records left in CSMART (the vendor documents no delete). */
  created: { module: string; id: string; name: string }[];
  /** Per module: whether an edit with only some fields kept the others. */
  edits: { module: SaveModule; verdict: 'merge' | 'replace' | 'unclear'; kept: string[]; blanked: string[]; note?: string }[];
  /**
   * Whether a task edit without `name` (a bare cancellation: `{ id, status }`, the shape the integration
   * sent before it kept subjects) is refused; `error`: CSMART's text. Undefined when no test task was made.
   */
  nameOnEdit: { verdict: 'required' | 'not required' | 'unclear'; error?: string; note?: string } | undefined;
  /** Our field names → the names this CSMART's List uses, found by the values we saved (only those that differ). */
  fieldNames: Record<string, string>;
  /** Whether Polish letters came back as sent. */
  polishLetters: boolean | undefined;
  nip: { stored: string | undefined; forms: { form: string; accepted: boolean; error?: string }[]; unknownNipAccepted: boolean | undefined; verdict: 'digits' | 'text' | 'unchecked' | 'unclear' };
  formats: { module: SaveModule; field: string; sent: string; accepted: boolean; stored?: string; error?: string }[];
  longText: { sent: number; kept: number | undefined; error?: string } | undefined;
  errorTexts: { auth: string[]; validation: string[] };
  /** Probes that could not run, and why. */
  failures: string[];
};

export type WriteProbeContext = {
  wire: DoctorWire;
  token: string;
  now: Date;
  /** Every NIP's digits CSMART already holds, so the test NIPs belong to no real client. */
  knownNips: ReadonlySet<string>;
  random?: () => number;
};

export const LONG_TEXT_LENGTH = 70_000;
const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

/** A random NIP with a valid checksum that no client has. */
export function testNip(known: ReadonlySet<string>, random: () => number = Math.random): string {
  for (;;) {
    const body = String(1 + Math.floor(random() * 9)) + Array.from({ length: 8 }, () => Math.floor(random() * 10)).join('');
    const check = [...body].reduce((sum, digit, i) => sum + Number(digit) * NIP_WEIGHTS[i]!, 0) % 11;
    const nip = body + String(check);
    if (check !== 10 && !known.has(nip)) return nip;
  }
}

const dashed = (d: string) => `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
const foldKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined);

function savedId(answer: RawAnswer): string | undefined {
  const raw = typeof answer.data === 'object' && answer.data !== null ? (answer.data as { id?: unknown }).id : answer.data;
  return answer.error === '' && (typeof raw === 'number' || (typeof raw === 'string' && raw.trim() !== '')) ? String(raw).trim() : undefined;
}

/**
 * The longest part of an error text around a value the probe put in it ("Moduł X nie istnieje." without
 * X is "nie istnieje."): a fragment the error-text table matches in any other such message.
 */
export function fragmentWithout(text: string, value: string): string {
  return text.split(value).map((part) => part.replace(/\s+/g, ' ').trim()).sort((a, b) => b.length - a.length)[0] ?? '';
}

const refusal = (answer: RawAnswer) => answer.problem ?? answer.error ?? 'no answer';

/** A field of the record holding exactly this value: our own name first. */
function keyOf(record: Record<string, unknown>, field: string, value: string): string | undefined {
  if (text(record[field]) === value) return field;
  return Object.keys(record).find((key) => text(record[key]) === value);
}

/**
 * Creates one test client, task and opportunity (clearly named, safe to delete by hand), edits each
 * with a partial Save and reads it back, tries the NIP forms, the value formats the integration
 * sends and an over-long text, and collects the error texts it meets on the way.
 */
export async function runWriteProbes(context: WriteProbeContext): Promise<WriteFindings> {
  const { wire, token } = context;
  const random = context.random ?? Math.random;
  const findings: WriteFindings = {
    created: [], edits: [], nameOnEdit: undefined, fieldNames: {}, polishLetters: undefined,
    nip: { stored: undefined, forms: [], unknownNipAccepted: undefined, verdict: 'unclear' },
    formats: [], longText: undefined, errorTexts: { auth: [], validation: [] }, failures: [],
  };
  const stamp = context.now.toISOString().slice(0, 16).replace('T', ' ');
  const label = `csmart-connect doctor test ${stamp}`;
  const day = new Date(context.now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  const nip = testNip(context.knownNips, random);
  const save = (module: SaveModule, fields: Record<string, string>) => wire.call(module, 'Save', fields, token);

  async function readBack(module: SaveModule, id: string): Promise<Record<string, unknown> | undefined> {
    const answer = await wire.call(module, 'List', {}, token);
    const data = answer.data;
    if (answer.error !== '' || data === null || typeof data !== 'object') return undefined;
    const isId = (record: unknown) => typeof record === 'object' && record !== null &&
      Object.entries(record).some(([key, value]) => ['id', 'recordid', 'idrekordu'].includes(foldKey(key)) && text(value) === id);
    if (!Array.isArray(data) && isRecordLike((data as Record<string, unknown>)[id])) return (data as Record<string, Record<string, unknown>>)[id];
    return (Array.isArray(data) ? data : Object.values(data)).find(isId) as Record<string, unknown> | undefined;
  }

  async function create(module: SaveModule, fields: Record<string, string>): Promise<{ id: string; record: Record<string, unknown> | undefined } | undefined> {
    const answer = await save(module, fields);
    const id = savedId(answer);
    if (!id) {
      findings.failures.push(`${module}/Save of the test record was refused: ${refusal(answer)}`);
      return undefined;
    }
    findings.created.push({ module, id, name: fields.name ?? '' });
    return { id, record: await readBack(module, id) };
  }

  /** Edits with only `change` (plus what the module requires) and reads back which of `keep` survived. */
  async function editProbe(module: SaveModule, id: string, created: Record<string, unknown> | undefined, sent: Record<string, string>, change: Record<string, string>, keep: string[]) {
    const answer = await save(module, { id, ...change });
    if (answer.error !== '') {
      findings.edits.push({ module, verdict: 'unclear', kept: [], blanked: [], note: `the partial edit was refused: ${refusal(answer)}` });
      return;
    }
    const after = await readBack(module, id);
    if (!after || !created) {
      findings.edits.push({ module, verdict: 'unclear', kept: [], blanked: [], note: 'the record was not found in its List after the edit' });
      return;
    }
    const kept: string[] = [];
    const blanked: string[] = [];
    for (const field of keep) {
      const key = keyOf(created, field, sent[field]!);
      if (key === undefined) continue;
      if (text(after[key]) === text(created[key])) kept.push(field);
      else blanked.push(field);
    }
    const verdict = kept.length + blanked.length === 0 ? 'unclear' : blanked.length === 0 ? 'merge' : 'replace';
    findings.edits.push({ module, verdict, kept, blanked });
  }

  async function formatProbe(module: SaveModule, id: string, base: Record<string, string>, field: string, value: string) {
    const answer = await save(module, { id, ...base, [field]: value });
    if (answer.error !== '') {
      findings.formats.push({ module, field, sent: value, accepted: false, error: refusal(answer) });
      return;
    }
    const after = await readBack(module, id);
    const stored = after ? text(after[findings.fieldNames[field] ?? field]) : undefined;
    findings.formats.push({ module, field, sent: value, accepted: true, ...(stored === undefined ? {} : { stored }) });
  }

  /**
   * The bare edit exactly as a cancellation carrying only an id would be sent, `{ id, status }`, after the
   * same edit with the subject (the status probe): refused only without it, CSMART requires `name` on edits.
   */
  async function nameOnEditProbe(id: string, name: string) {
    const closed = 'zamknięte';
    const named = findings.formats.find((f) => f.module === 'Events' && f.field === 'status' && f.sent === closed);
    const answer = await save('Events', { id, status: closed });
    if (answer.error !== '') {
      if (named?.accepted && answer.error) findings.errorTexts.validation.push(fragmentWithout(answer.error, 'name'));
      findings.nameOnEdit = named?.accepted
        ? { verdict: 'required', error: refusal(answer) }
        : { verdict: 'unclear', error: refusal(answer), note: 'the same edit with the subject was refused too' };
      return;
    }
    const after = await readBack('Events', id);
    const kept = after !== undefined && text(after[findings.fieldNames.name ?? 'name']) === name;
    findings.nameOnEdit = kept ? { verdict: 'not required' } : { verdict: 'unclear', note: after ? 'accepted, but the subject was not kept' : 'accepted, but the task was not found in its List afterwards' };
  }

  // The client: Polish letters, the NIP in the dashed form people type, every field the integration reads.
  const clientFields = {
    name: `${label} — klient testowy (można usunąć)`, nip: dashed(nip), email: `csmart-doctor-${context.now.getTime()}@example.invalid`,
    phone_office: '+48221234567', city: 'Łódź', description: 'Zażółć gęślą jaźń. Created by csmart doctor to check how this CSMART behaves; safe to delete.',
  };
  const client = await create('Accounts', clientFields);
  if (client?.record) {
    for (const field of ['name', 'nip', 'email', 'description'] as const) {
      const key = keyOf(client.record, field, clientFields[field]) ?? (field === 'nip' ? Object.keys(client.record).find((k) => text(client.record![k])?.replace(/\D/g, '') === nip) : undefined);
      if (key && key !== field) findings.fieldNames[field] = key;
    }
    const cityKey = keyOf(client.record, 'city', 'Łódź');
    findings.polishLetters = cityKey !== undefined && keyOf(client.record, 'description', clientFields.description) !== undefined;
    findings.nip.stored = text(client.record[findings.fieldNames.nip ?? 'nip']);
    await editProbe('Accounts', client.id, client.record, clientFields, { city: 'Kraków' }, ['name', 'nip', 'email', 'description', 'phone_office']);
    // Whole records from here on, so that a CSMART that replaces on edit keeps the client's NIP for the probes below.
    for (const type of ['firma', 'osoba']) await formatProbe('Accounts', client.id, clientFields, 'type', type);
  } else if (client) {
    findings.failures.push('the test client was saved but its List does not show it');
  }

  // The task: the date, time, all-day and status values the integration sends.
  const taskFields = {
    name: `${label} — zadanie testowe (można usunąć)`, description: 'Created by csmart doctor; safe to delete.',
    date_start: day, time_start: '09:00', date_end: day, time_end: '09:30', allDay: '0', status: 'nowe',
  };
  const task = await create('Events', taskFields);
  if (task?.record) {
    for (const field of ['date_start', 'time_start', 'time_end', 'allDay', 'status'] as const) {
      const stored = text(task.record[field]);
      findings.formats.push({ module: 'Events', field, sent: taskFields[field], accepted: true, ...(stored === undefined ? {} : { stored }) });
    }
    // The name goes along: CSMART requires it, and the question is only what happens to the rest.
    await editProbe('Events', task.id, task.record, taskFields, { name: taskFields.name, description: `${taskFields.description} (edited)` }, ['date_start', 'time_start', 'time_end', 'status']);
    const named = { name: taskFields.name };
    await formatProbe('Events', task.id, { ...named, date_start: day, date_end: day }, 'allDay', '1');
    await formatProbe('Events', task.id, named, 'status', 'zamknięte');
    await nameOnEditProbe(task.id, taskFields.name);

    if (client) {
      const forms = [...new Set([nip, findings.nip.stored ?? dashed(nip), `PL${nip}`, dashed(nip), `PL ${dashed(nip)}`])];
      for (const form of forms) {
        const answer = await save('Events', { id: task.id, ...named, nip: form });
        findings.nip.forms.push({ form, accepted: answer.error === '', ...(answer.error === '' ? {} : { error: refusal(answer) }) });
      }
      const stranger = testNip(new Set([...context.knownNips, nip]), random);
      const answer = await save('Events', { id: task.id, ...named, nip: stranger });
      findings.nip.unknownNipAccepted = answer.error === '';
      if (answer.error) findings.errorTexts.validation.push(fragmentWithout(answer.error, stranger));
      const accepted = (form: string) => findings.nip.forms.find((f) => f.form === form)?.accepted;
      findings.nip.verdict = findings.nip.unknownNipAccepted ? 'unchecked'
        : accepted(nip) ? 'digits'
          : findings.nip.stored !== undefined && accepted(findings.nip.stored) ? 'text' : 'unclear';
    }

    const long = 'Zażółć gęślą jaźń 0123456789 '.repeat(Math.ceil(LONG_TEXT_LENGTH / 29)).slice(0, LONG_TEXT_LENGTH);
    const answer = await save('Events', { id: task.id, ...named, description: long });
    if (answer.error !== '') findings.longText = { sent: long.length, kept: undefined, error: refusal(answer) };
    else {
      const after = await readBack('Events', task.id);
      const stored = after ? text(after[findings.fieldNames.description ?? 'description']) : undefined;
      findings.longText = { sent: long.length, kept: stored?.length };
    }
  }

  // The opportunity: linked to the test client, the amount with a dot, then with a comma.
  if (client) {
    const opportunityFields = {
      name: `${label} — szansa testowa (można usunąć)`, account_id: client.id, account_name: clientFields.name,
      total: '1234.50', final_date: day, description: 'Created by csmart doctor; safe to delete.',
    };
    const opportunity = await create('Opportunities', opportunityFields);
    if (opportunity?.record) {
      for (const field of ['total', 'final_date'] as const) {
        const stored = text(opportunity.record[field]);
        findings.formats.push({ module: 'Opportunities', field, sent: opportunityFields[field], accepted: true, ...(stored === undefined ? {} : { stored }) });
      }
      await editProbe('Opportunities', opportunity.id, opportunity.record, opportunityFields, { description: `${opportunityFields.description} (edited)` }, ['name', 'account_id', 'total', 'final_date']);
      await formatProbe('Opportunities', opportunity.id, opportunityFields, 'total', '1234,50');
    }
  }

  // Error texts: an edit of a record that does not exist, and a login with a wrong password.
  const missing = await save('Accounts', { id: '999999999', name: label });
  const missingId = savedId(missing);
  if (missing.error) findings.errorTexts.validation.push(fragmentWithout(missing.error, '999999999'));
  else if (missingId) {
    findings.created.push({ module: 'Accounts', id: missingId, name: label });
    findings.failures.push(`an edit of record 999999999, which does not exist, was accepted (saved as ${missingId})`);
  }
  const wrong = await wire.login('0'.repeat(40));
  if (wrong.answer.error) findings.errorTexts.auth.push(wrong.answer.error);
  return findings;
}

function isRecordLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
