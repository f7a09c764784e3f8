import assert from 'node:assert/strict';
import { readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import type { SessionInfo } from '../../src/meta/types.js';
import type { FsckReport, GcReport, Volume } from '../../src/sdk/index.js';
import { slicefs } from '../support/cli.js';
import { recordedBlockKeys } from '../support/tree.js';

/** `slicefs gc META_URL ARGS… --json`, parsed. */
export function gcCli(metaUrl: string, args: string[]): GcReport {
  const r = slicefs(['gc', metaUrl, ...args, '--json'], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `gc ${args.join(' ')}: ${r.err}`);
  return JSON.parse(r.out) as GcReport;
}

/** `slicefs fsck META_URL --check-objects --json`: its exit code and report. */
export function fsckCli(metaUrl: string): { code: number; report: FsckReport } {
  const r = slicefs(['fsck', metaUrl, '--check-objects', '--json'], { timeoutMs: 120_000 });
  assert.ok(r.code === 0 || r.code === 1, `fsck: ${r.err}`);
  return { code: r.code, report: JSON.parse(r.out) as FsckReport };
}

/** fsck --check-objects from the command line finds nothing: references, links, counters (statfs = the sums), objects. */
export function assertFsckClean(metaUrl: string, when: string): FsckReport {
  const { code, report } = fsckCli(metaUrl);
  assert.deepEqual(report.problems.map((p) => `${p.kind}: ${p.detail}`), [], `fsck ${when}`);
  assert.equal(code, 0, `fsck exit code ${when}`);
  return report;
}

/** Object keys in a file:// store directory (its `.tmp/` put area aside), and the files left in `.tmp/`. */
export function storeContents(storageDir: string): { keys: string[]; temp: number } {
  const keys: string[] = [];
  let temp = 0;
  let entries;
  try {
    entries = readdirSync(storageDir, { withFileTypes: true, recursive: true });
  } catch {
    return { keys, temp };
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const rel = path.relative(storageDir, path.join(e.parentPath, e.name));
    if (rel.startsWith(`.tmp${path.sep}`)) temp++;
    else keys.push(rel.split(path.sep).join('/'));
  }
  return { keys: keys.sort(), temp };
}

/**
 * Makes the files in a file:// store's `.tmp/` two hours old, as if the crash that left them
 * were that far back (the store removes temp files older than an hour at its first put).
 * Returns how many there were.
 */
export function ageTempFiles(storageDir: string): number {
  const dir = path.join(storageDir, '.tmp');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const then = new Date(Date.now() - 2 * 3_600_000);
  for (const name of names) utimesSync(path.join(dir, name), then, then);
  return names.length;
}

/**
 * No object leaked: the deletion queue is empty and the store holds exactly the blocks of the
 * slices the engine records (the slices fsck checks), key for key. Returns the object count
 * and the files left in the store's `.tmp/` (puts cut short by a crash; see docs/reliability.md).
 */
export async function assertStoreExact(vol: Volume, storageDir: string, when: string): Promise<{ objects: number; temp: number }> {
  assert.deepEqual(await vol.meta.pendingSlices(1_000_000), [], `deletion queue empty ${when}`);
  const expected = await recordedBlockKeys(vol);
  const { keys, temp } = storeContents(storageDir);
  const [want, have] = [new Set(expected), new Set(keys)];
  const extra = keys.filter((k) => !want.has(k));
  const missing = expected.filter((k) => !have.has(k));
  assert.deepEqual({ extra, missing }, { extra: [], missing: [] }, `the store holds exactly the blocks of the recorded slices ${when}`);
  return { objects: keys.length, temp };
}

/** The session of the mount process `pid` (there must be exactly one). */
export async function sessionOf(vol: Volume, pid: number): Promise<SessionInfo> {
  const found = (await vol.meta.engine.listSessions()).filter((s) => s.pid === pid && s.program === 'slicefs mount');
  assert.equal(found.length, 1, `one session of the mount process ${pid}: ${JSON.stringify(found)}`);
  return found[0]!;
}

/**
 * Makes a dead client's session expired, as 60 s without a heartbeat would: its record is
 * rewritten with an expiry in the past. With `wait`, waits for the real expiry instead.
 */
export async function expireSession(vol: Volume, session: SessionInfo, wait: boolean): Promise<void> {
  if (wait) {
    while (Date.now() <= session.expires) await new Promise((r) => setTimeout(r, Math.min(1000, session.expires - Date.now() + 20)));
    return;
  }
  await vol.meta.engine.putSession({ ...session, expires: Date.now() - 1 });
}
