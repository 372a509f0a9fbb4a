import type { CsmartClient } from '../../lib/csmart/client.ts';
import { isSaveModule, MODULES, SAVE_MODULES } from '../../lib/csmart/modules.ts';
import { type CliIo, println, UsageError } from '../cli-io.ts';

export const saveHelp = `save <Module> field=value… [--id N]   create a record, or edit record N; prints the id (${SAVE_MODULES.join(', ')})`;

export async function save(client: CsmartClient, io: CliIo, args: { positionals: string[]; id: string | undefined }): Promise<number> {
  const [module, ...pairs] = args.positionals;
  if (!module) throw new UsageError('save needs a module name');
  if (!isSaveModule(module)) throw new UsageError(`"${module}" cannot be saved; one of ${SAVE_MODULES.join(', ')}`);
  if (pairs.length === 0) throw new UsageError('save needs at least one field=value');
  const fields: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`"${pair}" is not field=value`);
    const field = pair.slice(0, eq);
    if (!(MODULES[module].fields as readonly string[]).includes(field)) {
      throw new UsageError(`${module} has no field "${field}"; fields: ${MODULES[module].fields.join(', ')}`);
    }
    fields[field] = pair.slice(eq + 1);
  }
  if (args.id !== undefined && !/^\S+$/.test(args.id)) throw new UsageError('--id takes a record id');
  const id = await client.save(module, fields, args.id === undefined ? {} : { id: args.id });
  println(io.out, id);
  return 0;
}
