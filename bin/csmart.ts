// Entry point of the csmart CLI (bin/csmart runs it with tsx); the commands live in bin/cli.ts.
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
