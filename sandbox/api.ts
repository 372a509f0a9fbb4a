import { MODULES, isModuleName, type ModuleName } from '../lib/csmart/modules.ts';
import { ALTERNATIVE_MESSAGES, MESSAGES, type Messages } from './messages.ts';
import { parseId, type SandboxStore } from './store.ts';
import type { TokenRegistry } from './tokens.ts';
import { normaliseDomain, type UserDirectory } from './users.ts';
import type { CallResult, WireSettings } from './wire.ts';

/** One request to api.php: the method, and the query string and form body merged (body wins, as in $_REQUEST). */
export type ApiCall = { method: string; params: Map<string, string> };

export type ApiContext = { store: SandboxStore; tokens: TokenRegistry; users: UserDirectory; settings: WireSettings };

/** The error texts the settings ask for. */
export function messagesOf(settings: Pick<WireSettings, 'errorTexts'>): Messages {
  return settings.errorTexts === 'alternative' ? ALTERNATIVE_MESSAGES : MESSAGES;
}

const LOGIN_PARAMETERS = ['domain', 'email', 'hash'] as const;
const LOGIN_RESERVED = new Set<string>(['module', 'action', 'domain', 'email', 'hash', 'password']);
const CALL_RESERVED = new Set<string>(['module', 'action', 'domain', 'token', 'id']);
const SECRET_PARAMETERS = new Set<string>(['token', 'hash', 'password']);

/** The module and action a call names; a login is module Login, action Login, whatever else it sends. */
export function callTarget(call: ApiCall): { module: string; action: string } {
  const module = call.params.get('module') ?? '';
  return { module, action: module === 'Login' ? 'Login' : call.params.get('action') ?? '' };
}

/** What the request log may show: parameter values with secrets masked, and record field names only. */
export function describeCall(call: ApiCall): { params: Record<string, string>; fields: string[] } {
  const reserved = callTarget(call).module === 'Login' ? LOGIN_RESERVED : CALL_RESERVED;
  const params: Record<string, string> = {};
  const fields: string[] = [];
  for (const [name, value] of call.params) {
    if (name === 'module' || name === 'action') continue;
    if (reserved.has(name)) params[name] = SECRET_PARAMETERS.has(name) ? '***' : value;
    else fields.push(name);
  }
  return { params, fields };
}

/** Runs one call against the store, as the vendor's api.php would. */
export function performCall(call: ApiCall, context: ApiContext): CallResult {
  const MESSAGES = messagesOf(context.settings);
  if (call.method !== 'POST') return failure(MESSAGES.methodNotAllowed);
  const { module, action } = callTarget(call);
  if (module === '') return failure(MESSAGES.missingParameter('module'));
  if (module === 'Login') return login(call.params, context);
  if (!isModuleName(module)) return failure(MESSAGES.unknownModule(module));
  if (action === '') return failure(MESSAGES.missingParameter('action'));
  if (action !== 'List' && action !== 'Save') return failure(MESSAGES.unknownAction(action));
  if (!(MODULES[module].actions as readonly string[]).includes(action)) return failure(MESSAGES.unsupportedAction(module, action));

  for (const name of ['domain', 'token'] as const) {
    if (!call.params.get(name)) return failure(MESSAGES.missingParameter(name));
  }
  const domain = normaliseDomain(call.params.get('domain')!);
  if (!context.tokens.isValid(call.params.get('token')!, domain)) return failure(MESSAGES.badToken, true);

  if (action === 'List') return { kind: 'list', module, domain };
  return save(module, domain, call.params, context);
}

function login(params: Map<string, string>, context: ApiContext): CallResult {
  const MESSAGES = messagesOf(context.settings);
  for (const name of LOGIN_PARAMETERS) {
    if (!params.get(name)) return failure(MESSAGES.missingParameter(name));
  }
  const domain = context.users.authenticate(params.get('domain')!, params.get('email')!, params.get('hash')!);
  if (domain === undefined) return failure(MESSAGES.loginFailed, true);
  return { kind: 'data', data: { domain, token: context.tokens.issue(domain) } };
}

function save(module: ModuleName, domain: string, params: Map<string, string>, context: ApiContext): CallResult {
  const { store, settings } = context;
  const MESSAGES = messagesOf(settings);
  const replace = settings.editMode === 'replace';
  const definition = MODULES[module];
  const known = new Set<string>(definition.fields);
  const fields: Record<string, string> = {};
  for (const [name, value] of params) {
    if (CALL_RESERVED.has(name)) continue;
    if (!known.has(name)) return failure(MESSAGES.unknownField(name));
    fields[name] = value;
  }

  const idText = params.get('id') ?? '';
  const id = idText === '' ? undefined : parseId(idText);
  const existing = id === undefined ? undefined : store.get(module, id, domain);
  if (idText !== '' && !existing) return failure(MESSAGES.unknownRecord);

  // Under `replace` or `requiredOnEdit: sent` an edit must send the required fields again, as a create does.
  const keepsRequired = !replace && settings.requiredOnEdit !== 'sent';
  for (const name of definition.required as readonly string[]) {
    const value = fields[name] ?? (keepsRequired ? existing?.[name] : undefined);
    if (value === undefined || String(value).trim() === '') return failure(MESSAGES.requiredField(name));
  }
  // A task is tied to a client by NIP, and the client must already exist (vendor documentation).
  if (module === 'Events' && fields.nip && !store.hasAccountWithNip(fields.nip, domain, settings.nipMatch === 'exact')) return failure(MESSAGES.accountNipNotFound);
  if (module === 'Opportunities' && fields.account_id && !store.get('Accounts', fields.account_id, domain)) {
    return failure(MESSAGES.accountIdNotFound);
  }

  // Under `replace` an edit keeps only what it sent: the question `csmart doctor --write` asks of a real CSMART.
  const saved = !existing ? store.put(module, fields, domain)
    : replace ? store.put(module, { ...fields, id: existing.id }, domain)
      : store.update(module, existing.id, fields, domain)!;
  return { kind: 'id', id: saved.id };
}

function failure(error: string, withNullData = false): CallResult {
  return { kind: 'error', error, withNullData };
}
