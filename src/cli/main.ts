import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliIO, CommandDefinition } from './command.js';
import { commands } from './commands/index.js';
import { errorLine, exitCode } from './report-error.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function addCommand(program: Command, def: CommandDefinition, io: CliIO, done: (code: number) => void): void {
  const cmd = program.command(`${def.name} ${def.args}`).description(def.summary);
  for (const o of def.options) cmd.option(o.flags, o.description, o.default as string | boolean | undefined);
  cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  cmd.action(async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    try {
      done((await def.run(command.args, command.opts(), io)) ?? 0);
    } catch (err) {
      io.err.write(`${errorLine(def.name, err)}\n`);
      if (process.env.SLICEFS_DEBUG && err instanceof Error) io.err.write(`${err.stack}\n`);
      done(exitCode(err));
    }
  });
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO = { out: process.stdout, err: process.stderr }): Promise<number> {
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
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { exitCode?: number; code?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return e.exitCode ?? 1;
  }
  return code;
}
