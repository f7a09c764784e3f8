import { spawnSync } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve('bin/slicefs.js');

/** Runs the built `slicefs` binary and returns its exit code and output. */
export function slicefs(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: options.cwd, timeout: options.timeoutMs ?? 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
