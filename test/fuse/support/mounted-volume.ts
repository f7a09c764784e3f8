import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestEngine, testEngines } from '../../../src/meta/testing/test-engines.js';

// System tests drive the built binary (npm test builds first): `node bin/slicefs.js mount …`
// runs in its own process, so a hung mount can be killed, and every mount made here is
// unmounted in after hooks, with `umount -l` and SIGKILL as the last resort.

const BIN = path.resolve('bin/slicefs.js');
const live = new Set<MountedVolume>();
/** Mount points made here, removed (empty, unmounted) when the test process exits. */
const madeDirs = new Set<string>();

/** A formatted SQLite + file:// volume in a temp dir. */
export function formatTempVolume(): { dir: string; metaUrl: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-fuse-'));
  const metaUrl = `sqlite3://${dir}/meta.db`;
  const r = spawnSync(process.execPath, [BIN, 'format', metaUrl, 'fusetest', '--storage', `file://${dir}/objects/`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`format failed: ${r.stderr}`);
  return { dir, metaUrl, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A formatted volume on a test engine (SQLite, PostgreSQL, Redis: its own database or key
 * prefix) with a `file://` store in a temp dir; `remove` drops both.
 */
export async function formatEngineVolume(engine: TestEngine): Promise<{ dir: string; metaUrl: string; remove(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slicefs-fuse-'));
  const metaUrl = await engine.newUrl();
  const r = spawnSync(process.execPath, [BIN, 'format', metaUrl, 'fusetest', '--storage', `file://${dir}/objects/`], { encoding: 'utf8' });
  const remove = async () => {
    rmSync(dir, { recursive: true, force: true });
    await engine.cleanup(metaUrl);
  };
  if (r.status !== 0) {
    await remove();
    throw new Error(`format failed: ${r.stderr}`);
  }
  return { dir, metaUrl, remove };
}

/** The engines a mount can share between processes: every test engine but the in-memory one. */
export const mountEngines = (): TestEngine[] => testEngines().filter((e) => e.name !== 'mem');

const mountedAt = (mnt: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);

/** A volume mounted by a `slicefs mount` process. */
export class MountedVolume {
  private stderr = '';
  private stopping = false;
  private exited: Promise<number | null>;

  private constructor(
    readonly mnt: string,
    readonly proc: ChildProcess,
  ) {
    proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    // A mount that fails on its own (not killed, not stopped) shows up in a test as ENOTCONN far
    // from the cause: its log goes to the test's output.
    proc.on('exit', (code, signal) => {
      // `killed`: this process sent the signal (a test that kills its mount on purpose).
      if ((code || signal) && !this.stopping && !proc.killed) {
        process.stderr.write(`slicefs mount at ${mnt} exited (${code ?? signal}) while in use; its log:\n${this.stderr}\n`);
      }
    });
    live.add(this);
  }

  /** Mounts `metaUrl` at a new temp dir (or `mnt`) and waits until the mount is live. */
  static async start(metaUrl: string, options: { mnt?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<MountedVolume> {
    const mnt = options.mnt ?? mkdtempSync(path.join(tmpdir(), 'slicefs-mnt-'));
    if (!options.mnt) madeDirs.add(mnt);
    const proc = spawn(process.execPath, [BIN, 'mount', metaUrl, mnt, ...(options.args ?? [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, UV_THREADPOOL_SIZE: '16', SLICEFS_MOUNT_PROCESS: '1', ...options.env },
    });
    const m = new MountedVolume(mnt, proc);
    const deadline = Date.now() + 20_000;
    while (!/mounted volume/.test(m.stderr)) {
      const code = await Promise.race([m.exited, new Promise((r) => setTimeout(r, 50, 'wait').unref())]);
      if (code !== 'wait' || Date.now() > deadline) {
        await m.stop();
        throw new Error(`mount did not come up (${code}): ${m.stderr}`);
      }
    }
    return m;
  }

  /** What the mount process wrote to stderr so far. */
  get log(): string {
    return this.stderr;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Resolves with the exit code when the mount process ends. */
  waitExit(): Promise<number | null> {
    return this.exited;
  }

  /** Unmounts, waits for the process to end; falls back to umount -l and SIGKILL. Never throws. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (mountedAt(this.mnt) && spawnSync('umount', [this.mnt]).status !== 0) spawnSync('umount', ['-l', this.mnt]);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 10_000, 'timeout')))]);
    clearTimeout(timer);
    if (code === 'timeout') this.proc.kill('SIGKILL');
    if (mountedAt(this.mnt)) spawnSync('umount', ['-l', this.mnt]);
    live.delete(this);
  }
}

// Whatever happens to the test process, leave no mount behind: a stale one hangs later runs.
process.on('exit', () => {
  for (const m of live) {
    if (mountedAt(m.mnt)) spawnSync('umount', ['-l', m.mnt]);
    m.proc.kill('SIGKILL');
  }
  for (const dir of madeDirs) {
    try {
      if (!mountedAt(dir)) rmdirSync(dir);
    } catch {
      // not empty or gone: leave it
    }
  }
});

/** Runs a shell command (as `user` via setpriv when given); returns its exit code and output. */
export function sh(command: string, options: { user?: string; groups?: string; timeoutMs?: number } = {}): { code: number; out: string; err: string } {
  const argv = options.user
    ? ['setpriv', `--reuid=${options.user}`, `--regid=${options.user === 'nobody' ? 'nogroup' : options.user}`,
        options.groups ? `--groups=${options.groups}` : '--clear-groups', 'sh', '-c', command]
    : ['sh', '-c', command];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: options.timeoutMs ?? 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Runs a shell command and returns its stdout; throws with stderr if it fails. */
export function run(command: string, options: { user?: string; groups?: string } = {}): string {
  const r = sh(command, options);
  if (r.code !== 0) throw new Error(`${command} failed (${r.code}): ${r.err}`);
  return r.out;
}
