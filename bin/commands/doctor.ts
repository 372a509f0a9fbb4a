import { type CliIo, EXIT, println, UsageError } from '../cli-io.ts';
import type { CliSetup } from '../cli-setup.ts';
import { renderReport } from '../doctor/report.ts';
import { runDoctor } from '../doctor/run-doctor.ts';

export const doctorHelp = 'doctor [--write --yes] [--json]  check every assumption about your CSMART; prints the settings to apply';

const WRITE_WARNING = `csmart doctor --write creates one test client, one task and one opportunity in your CSMART
(named "csmart-connect doctor test <date>"), edits them and reads them back. CSMART documents no
delete: they stay until you remove them by hand.`;

/** `csmart doctor`: read-only unless `--write --yes`; the report as text, or as JSON with `--json`. */
export async function doctor(setup: CliSetup, io: CliIo, args: { write: boolean; yes: boolean; json: boolean }): Promise<number> {
  if (args.yes && !args.write) throw new UsageError('--yes goes with --write');
  if (args.write && !args.yes) {
    println(io.err, WRITE_WARNING);
    println(io.err, 'Run again with --write --yes to go ahead.');
    return EXIT.usage;
  }
  const { settings, credentials: credentialsSource } = setup.config();
  const credentials = await credentialsSource();
  if (args.write) println(io.err, `${WRITE_WARNING}\n`);
  const report = await runDoctor({ credentials, settings, write: args.write });
  io.out.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.login.ok ? EXIT.ok : EXIT.failed;
}
