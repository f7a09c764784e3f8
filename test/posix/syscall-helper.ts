import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineProcess } from './line-process.js';

const SOURCE = fileURLToPath(new URL('./syscall-helper.c', import.meta.url));

/**
 * Compiles syscall-helper.c with `cc` once per source version into the temp dir (a file every
 * user may run, since the unprivileged worker starts it too) and returns its path.
 */
export function syscallHelperBinary(): string {
  const source = readFileSync(SOURCE);
  const binary = path.join(tmpdir(), `slicefs-syscall-helper-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  const partial = `${binary}.${process.pid}`;
  execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', partial, SOURCE], { stdio: ['ignore', 'ignore', 'inherit'] });
  chmodSync(partial, 0o755);
  renameSync(partial, binary); // atomic: a concurrent compile of the same source is harmless
  return binary;
}

const errnoName = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** An errno from the helper, with `code` like Node's own fs errors. */
export class SyscallError extends Error {
  constructor(
    readonly code: string,
    call: string,
  ) {
    super(`${code}: ${call}`);
  }
}

/** The running helper: each call is one system call, made by the helper process. */
export class SyscallHelper {
  private constructor(private readonly process: LineProcess) {}

  static start(binary = syscallHelperBinary()): SyscallHelper {
    return new SyscallHelper(LineProcess.start([binary], { name: 'syscall helper' }));
  }

  /** Runs `op` with its arguments (no tabs or newlines in them); resolves with its number result. */
  async call(op: string, ...args: (string | number)[]): Promise<number> {
    const fields = [op, ...args.map(String)];
    if (fields.some((f) => /[\t\n]/.test(f))) throw new Error(`syscall helper: tab or newline in ${JSON.stringify(fields)}`);
    const reply = await this.process.request(fields.join('\t'));
    const [status, value] = reply.split(' ');
    if (status === 'OK') return Number(value);
    const code = errnoName.get(Number(value)) ?? `errno ${value}`;
    throw new SyscallError(code, `${op} ${args.join(' ')}`);
  }

  close(): Promise<void> {
    return this.process.close();
  }
}
