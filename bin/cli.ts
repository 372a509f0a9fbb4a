import { parseArgs } from 'node:util';
import { processClient } from '../lib/csmart/process-client.ts';
import { CsmartError } from '../lib/csmart/errors.ts';
import { type CliIo, EXIT, println, UsageError } from './cli-io.ts';
import { doctor, doctorHelp } from './commands/doctor.ts';
import { exportCommand, exportHelp } from './commands/export.ts';
import { list, listHelp } from './commands/list.ts';
import { login, loginHelp } from './commands/login.ts';
import { dlq, dlqHelp, redrive, redriveHelp, status, statusHelp } from './commands/operations.ts';
import { save, saveHelp } from './commands/save.ts';

const HELP = `csmart — the csmart-connect command line

Usage: csmart <command> [options]

Commands:
  ${loginHelp}
  ${listHelp}
  ${saveHelp}
  ${exportHelp}
  ${statusHelp}
  ${dlqHelp}
  ${redriveHelp}
  ${doctorHelp}

Configuration is the functions' own: CSMART_API_URL, and CSMART_DOMAIN + CSMART_EMAIL +
CSMART_PASSWORD (or CSMART_PASSWORD_SHA1) for local use, else SSM under CSMART_SSM_PREFIX
with the usual AWS credentials. status, dlq and redrive use the stage's queues and link table
(CSMART_STAGE, default dev; or CSMART_QUEUE_URL, CSMART_DLQ_URL, CSMART_LINK_TABLE). See the README.

Exit codes: 0 done, 1 CSMART or AWS failed, 2 wrong command line, 3 configuration missing or invalid.`;

/** Runs one command line; returns the exit code. Never prints a token, hash or password. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        format: { type: 'string' },
        id: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean' },
        module: { type: 'string', multiple: true },
        to: { type: 'string' },
        date: { type: 'string' },
        write: { type: 'boolean' },
        yes: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      println(io.out, HELP);
      return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
    }
    switch (command) {
      case 'login': return await login(processClient(), io);
      case 'list': return await list(processClient(), io, { positionals: rest, format: values.format });
      case 'save': return await save(processClient(), io, { positionals: rest, id: values.id });
      case 'export': return await exportCommand(io, { modules: values.module ?? [], to: values.to, date: values.date });
      case 'status': return await status(io, { positionals: rest });
      case 'dlq': return await dlq(io, { limit: values.limit });
      case 'redrive': return await redrive(io, { ids: rest, all: values.all ?? false });
      case 'doctor':
        if (rest.length > 0) throw new UsageError('doctor takes no arguments');
        return await doctor(io, { write: values.write ?? false, yes: values.yes ?? false, json: values.json ?? false });
      default: throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    println(io.err, `csmart: ${(error as Error).message}\nRun "csmart --help" for usage.`);
    return EXIT.usage;
  }
  // Configuration errors come from several areas (settings, credentials, the export); they share the code.
  if ((error as { code?: unknown })?.code === 'config') {
    println(io.err, `csmart: ${(error as Error).message}`);
    return EXIT.config;
  }
  if (error instanceof CsmartError) {
    println(io.err, `csmart: ${error.message}`);
    return EXIT.failed;
  }
  println(io.err, `csmart: ${(error as Error)?.message ?? String(error)}`);
  return EXIT.failed;
}
