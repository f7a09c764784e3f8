import { FsError } from '../errors/index.js';

/** One option of a command, as commander takes it. */
export interface OptionSpec {
  flags: string;
  description: string;
  default?: string | boolean;
}

/** Where a command writes: output for results, messages for progress and errors. */
export interface CliIO {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A CLI command: its definition (what --help shows) and what it runs. */
export interface CommandDefinition {
  name: string;
  /** `META_URL NAME` — commander argument syntax (<required>, [optional]). */
  args: string;
  summary: string;
  options: OptionSpec[];
  examples: string[];
  /** Runs the command; returns the exit code (0 when omitted). */
  run(args: string[], options: Record<string, unknown>, io: CliIO): Promise<number | void>;
}

/** The --meta URL of a command on volume paths (EINVAL naming the path when it is missing). */
export function requireMeta(options: Record<string, unknown>, path: string): string {
  if (typeof options.meta === 'string' && options.meta) return options.meta;
  throw new FsError('EINVAL', { path, detail: 'no --meta META_URL given and the path is not on a mounted slicefs volume' });
}
