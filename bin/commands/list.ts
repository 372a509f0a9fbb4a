import type { CsmartClient } from '../../lib/csmart/client.ts';
import { isModuleName, MODULE_NAMES } from '../../lib/csmart/modules.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { writeRecords, FORMATS, type Format } from '../format.ts';

export const listHelp = `list <Module> [--format json|ndjson|csv]   print every record of a module (${MODULE_NAMES.join(', ')})`;

export async function list(client: CsmartClient, io: CliIo, args: { positionals: string[]; format: string | undefined }): Promise<number> {
  const [module, ...rest] = args.positionals;
  if (!module || rest.length > 0) throw new UsageError('list takes exactly one module name');
  if (!isModuleName(module)) throw new UsageError(`unknown module "${module}"; one of ${MODULE_NAMES.join(', ')}`);
  const format = args.format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}"; one of ${FORMATS.join(', ')}`);
  const records = await client.list(module);
  writeRecords(io.out, records, format as Format);
  return 0;
}
