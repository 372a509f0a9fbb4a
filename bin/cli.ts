import { parseArgs } from 'node:util';
import { CsmartError } from '../lib/csmart/errors.ts';
import { type CliIo, EXIT, println, UsageError } from './cli-io.ts';
import { createCliSetup } from './cli-setup.ts';
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
  const setup = createCliSetup(io.env);
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
      case 'login': return await login(setup.client(), io);
      case 'list': return await list(setup.client(), io, { positionals: rest, format: values.format });
      case 'save': return await save(setup.client(), io, { positionals: rest, id: values.id });
      case 'export': return await exportCommand(setup, io, { modules: values.module ?? [], to: values.to, date: values.date });
      case 'status': return await status(setup, io, { positionals: rest });
      case 'dlq': return await dlq(setup, io, { limit: values.limit });
      case 'redrive': return await redrive(setup, io, { ids: rest, all: values.all ?? false });
      case 'doctor':
        if (rest.length > 0) throw new UsageError('doctor takes no arguments');
        return await doctor(setup, io, { write: values.write ?? false, yes: values.yes ?? false, json: values.json ?? false });
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
