import { isModuleName, MODULE_NAMES, type ModuleName } from '../../lib/csmart/modules.ts';
import { parseTarget, runConfiguredExport } from '../../lib/export/configured-export.ts';
import type { ModuleResult } from '../../lib/export/run-export.ts';
import { type CliIo, println, UsageError } from '../cli-io.ts';
import type { CliSetup } from '../cli-setup.ts';

export const exportHelp = 'export [--module M]… [--to DIR|s3://bucket/prefix] [--date YYYY-MM-DD]   the nightly export, by hand';

/** Runs the export as the function does; one progress line per module (plain lines, so pipes and logs read them too). */
export async function exportCommand(setup: CliSetup, io: CliIo, args: { modules: string[]; to: string | undefined; date: string | undefined }): Promise<number> {
  for (const module of args.modules) {
    if (!isModuleName(module)) throw new UsageError(`unknown module "${module}"; one of ${MODULE_NAMES.join(', ')}`);
  }
  if (args.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(args.date)) throw new UsageError('--date takes YYYY-MM-DD');
  const run = await runConfiguredExport(setup.exportDeps(), {
    ...(args.modules.length > 0 ? { modules: args.modules as ModuleName[] } : {}),
    ...(args.to ? { target: parseTarget(args.to) } : {}),
    ...(args.date ? { date: args.date } : {}),
    onProgress: (progress) => {
      if (progress.phase === 'started') println(io.out, `${progress.module}: listing…`);
      else println(io.out, progressLine(progress.result));
    },
  });
  const failed = run.results.filter((r) => r.status === 'failed');
  println(io.out, `Export of ${run.date}: ${run.results.length - failed.length} of ${run.results.length} modules written.`);
  if (failed.length > 0) {
    println(io.err, `failed: ${failed.map((r) => r.module).join(', ')}`);
    return 1;
  }
  return 0;
}

function progressLine(r: ModuleResult): string {
  const seconds = (r.durationMs / 1000).toFixed(1);
  if (r.status === 'failed') return `${r.module}: FAILED (${r.error?.code}: ${r.error?.message}) after ${seconds} s`;
  const kb = (r.bytes / 1024).toFixed(1);
  const changes = r.baseline === null ? 'first snapshot' : `+${r.created} ~${r.updated} -${r.deleted} since ${r.baseline}, ${r.events} events`;
  return `${r.module}: ${r.count} records, ${kb} KB gzipped, ${changes} (${seconds} s)`;
}
