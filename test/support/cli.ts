import { spawnSync } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve('bin/slicefs.js');

/**
 * Runs the built `slicefs` binary and returns its exit code and output; as `uid` (with the same
 * gid and no supplementary groups) when given.
 */
export function slicefs(args: string[], options: { cwd?: string; timeoutMs?: number; uid?: number } = {}): { code: number; out: string; err: string } {
  const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, ...ids });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
