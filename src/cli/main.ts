import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliIO, CommandDefinition } from './command.js';
import { commands } from './commands/index.js';
import { errorLine, exitCode } from './report-error.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The exit status of a process whose output reader went away (as if killed by SIGPIPE: 128 + 13). */
export const CLOSED_OUTPUT_EXIT = 141;

function addCommand(program: Command, def: CommandDefinition, io: CliIO, done: (code: number) => void): void {
  const cmd = program.command(`${def.name} ${def.args}`).description(def.summary);
  // A flag's `false` default is filled in here rather than by commander, whose help would show "(default: false)".
  const flagDefaults = Object.fromEntries(def.options.filter((o) => o.default === false).map((o) => [optionKey(o.flags), false]));
  for (const o of def.options) cmd.option(o.flags, o.description, o.default === false ? undefined : o.default);
  cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  cmd.action(async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    try {
      done((await def.run(command.args, { ...flagDefaults, ...command.opts() }, io)) ?? 0);
    } catch (err) {
      io.err.write(`${errorLine(def.name, err)}\n`);
      if (process.env.SLICEFS_DEBUG && err instanceof Error) io.err.write(`${err.stack}\n`);
      done(exitCode(err));
    }
  });
}

/** `--cache-size <SIZE>` → `cacheSize`, as commander names the option's value. */
const optionKey = (flags: string) => flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * A closed stdout (`slicefs fsck URL | head -1`) ends the process quietly with status 141, as
 * SIGPIPE would; a closed stderr only drops messages (a mount keeps serving). Once per process.
 */
let outputGuarded = false;
function guardProcessOutput(io: CliIO): void {
  if (outputGuarded || io.out !== process.stdout) return;
  outputGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(CLOSED_OUTPUT_EXIT);
    throw err;
  });
  process.stderr.on('error', () => undefined);
}

/** The first word of argv when it names no command (an unknown command fails, even with --help). */
function unknownCommand(argv: string[]): string | undefined {
  const names = new Set([...commands.map((c) => c.name), 'help']);
  const word = argv[0] === 'help' ? argv[1] : argv[0];
  return word !== undefined && !word.startsWith('-') && !names.has(word) ? word : undefined;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO = { out: process.stdout, err: process.stderr }): Promise<number> {
  guardProcessOutput(io);
  let code = 0;
  const program = new Command('slicefs')
    .description('slicefs: a shared POSIX file system with metadata-only copy-on-write clones')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
      outputError: (s, write) => write(`slicefs: ${s.replace(/^error: /, '')}`),
    });
  for (const def of commands) addCommand(program, def, io, (c) => (code = c));
  const unknown = unknownCommand(argv);
  if (unknown !== undefined) {
    io.err.write(`slicefs: unknown command '${unknown}'\n`);
    return 1;
  }
  if (argv.length === 0) {
    // A bare `slicefs` is a usage error: help on stderr, status 1 (`slicefs --help` prints it on stdout, status 0).
    io.err.write(program.helpInformation());
    return 1;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { exitCode?: number; code?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return e.exitCode ?? 1;
  }
  return code;
}
