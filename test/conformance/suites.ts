import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** What one suite run on one mounted engine gave. */
export interface SuiteResult {
  ok: boolean;
  /** One line for the table: counts and what failed. */
  summary: string;
  seconds: number;
  /** The tail of the output, shown when it failed. */
  detail: string;
}

/** Runs a command with its output collected (and echoed with a prefix when `echo`). */
function runCollect(argv: string[], options: { cwd: string; echo?: string }): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (d: Buffer) => {
      out += d.toString();
      if (options.echo) for (const line of d.toString().split('\n')) if (line.trim()) process.stderr.write(`${options.echo} ${line}\n`);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const tail = (s: string, lines: number) => s.trim().split('\n').slice(-lines).join('\n');

/** `prove -r DIR/tests` as root from a fresh directory inside the mount. */
export async function runPjdfstest(dir: string, mnt: string, options: { echo?: string } = {}): Promise<SuiteResult> {
  const cwd = path.join(mnt, 'pjdfstest');
  mkdirSync(cwd);
  chmodSync(cwd, 0o755);
  const started = Date.now();
  const { code, out } = await runCollect(['prove', '-r', path.join(dir, 'tests')], { cwd, ...(options.echo ? { echo: options.echo } : {}) });
  const seconds = (Date.now() - started) / 1000;
  const files = /Files=(\d+), Tests=(\d+)/.exec(out);
  const failedTests = [...out.matchAll(/Failed (\d+)\/(\d+) subtests/g)].reduce((n, m) => n + Number(m[1]), 0);
  const badFiles = [...out.matchAll(/^(\S+\.t)\s+\(Wstat/gm)].map((m) => path.relative(path.join(dir, 'tests'), m[1]!));
  const ok = code === 0 && /Result: PASS/.test(out);
  const counts = files ? `${files[2]} tests in ${files[1]} files` : 'no summary';
  return {
    ok,
    summary: ok ? `pass (${counts})` : `FAIL: ${failedTests} failed (${counts})${badFiles.length ? `: ${badFiles.join(' ')}` : ''}`,
    seconds,
    detail: ok ? '' : tail(out, 40),
  };
}

/** Operations slicefs implements: fsx must not find any of them unsupported. */
const MUST_SUPPORT = [/mode 0,/, /mode FALLOC_FL_KEEP_SIZE,/, /PUNCH_HOLE/, /ZERO_RANGE/, /copy range/];

/**
 * `fsx -N OPS -S SEED FILE` with every operation fsx finds supported (it probes each at start and
 * disables those the file system refuses: collapse/insert range, clone and dedupe range here).
 */
export async function runFsx(bin: string, mnt: string, options: { ops: number; seed: number; echo?: string }): Promise<SuiteResult> {
  const cwd = path.join(mnt, 'fsx');
  mkdirSync(cwd);
  const started = Date.now();
  const argv = [bin, '-N', String(options.ops), '-S', String(options.seed), '-p', String(Math.max(1000, options.ops / 10)), '-P', cwd, path.join(cwd, 'file')];
  const { code, out } = await runCollect(argv, { cwd, ...(options.echo ? { echo: options.echo } : {}) });
  const seconds = (Date.now() - started) / 1000;
  const disabled = out.split('\n').filter((l) => /disabling|not support/i.test(l)).map((l) => l.replace(/^main:\s*/, '').trim());
  const missing = disabled.filter((l) => MUST_SUPPORT.some((re) => re.test(l)));
  const ok = code === 0 && missing.length === 0;
  const off = disabled.length ? `; fsx disabled: ${disabled.map(short).join(', ')}` : '';
  return {
    ok,
    summary: ok ? `pass (${options.ops} ops, seed ${options.seed}${off})` : `FAIL (exit ${code}${off})`,
    seconds,
    detail: ok ? '' : tail(out, 40),
  };
}

/** "filesystem does not support fallocate mode FALLOC_FL_COLLAPSE_RANGE, disabling!" -> "COLLAPSE_RANGE". */
function short(line: string): string {
  const mode = /FALLOC_FL_(\w+)/.exec(line);
  if (mode) return mode[1]!;
  return line.replace(/filesystem does not support |, disabling!?|calls/gi, '').trim();
}
