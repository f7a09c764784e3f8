import { FsError } from '../../../errors/index.js';
import { lostCloneError } from '../../clone/clone-owner.js';
import type { CloneBatch, CloneEntriesSpec, CloneUnit } from '../../clone/clone-spec.js';
import { type Ino, RECLAIMING_SESSION } from '../../types.js';
import { cloneAttrArgs } from './clone-lua.js';
import { CLONE_BATCH } from './clone-script.js';
import { asArray, asBuffer, asNumber } from './codec.js';
import type { KeyLayout } from './key-layout.js';
import type { KeyReader } from './key-reader.js';

/**
 * Cost one script call may reach: entries, plus one per ten chunk records. The script blocks
 * the server while it runs: 1,000 small files take 10–30 ms on the 2-core test machine
 * (docs/benchmarks.md); 500 or 2,000 gave the same total time.
 */
const MAX_CALL_COST = 1000;
/**
 * Units one call is handed at most (an empty directory costs a few commands and no budget).
 * The window adapts: twice what the last call reached, so unreached units are not re-sent.
 */
const MAX_CALL_UNITS = 1000;
const MIN_CALL_UNITS = 16;

/**
 * The set-based clone of directory entries as server-side scripts (clone-script.ts), for a
 * transaction that has read and written nothing: each call lists, reads and copies a bounded
 * batch atomically and applies at once, so no key is WATCHed and nothing can conflict. Calls
 * follow each other until the budget is spent or every unit is done; each leaves a
 * consistent volume (a detached tree one batch larger), which is all a batched clone needs.
 */
export async function cloneEntriesOnServer(
  reader: KeyReader,
  keys: KeyLayout,
  work: CloneEntriesSpec & { units: readonly CloneUnit[] },
): Promise<CloneBatch> {
  const { units } = work;
  const batch: CloneBatch = { entries: 0, bytes: 0, dirs: [], progress: units.map((u) => ({ done: false, last: u.after })) };
  const counters = [keys.counter('nextInode'), keys.counter('inodes'), keys.counter('usedBytes'), keys.sliceRefs];
  const attrs = cloneAttrArgs(work.attrs);
  const readerArg = work.readableBy ? [work.readableBy.uid, work.readableBy.gid, ...work.readableBy.gids].join(',') : '';
  let budget = work.budget;
  let size = MIN_CALL_UNITS;
  for (let at = 0; budget > 0 && at < units.length; ) {
    const window = units.slice(at, at + size);
    const cap = Math.min(budget, MAX_CALL_COST);
    const owner = work.owner ? [String(work.owner.root), String(work.owner.session)] : ['', ''];
    const args = [keys.prefix, String(cap), ...attrs, ...owner, readerArg, ...window.flatMap((u, i) => [String(u.src), String(u.dst), batch.progress[at + i]!.last ?? ''])];
    const reply = asArray(await reader.evaluate(CLONE_BATCH, { keys: counters, args }));
    const status = asNumber(reply[0]);
    if (status === -2 || status === -3) {
      const root = work.owner!.root;
      throw lostCloneError(root, status === -2 ? undefined : { ino: root, session: RECLAIMING_SESSION, createdAt: 0 });
    }
    if (status === -4) {
      throw new FsError('EACCES', { syscall: 'clone', ino: asNumber(reply[4]), detail: 'no read permission in the source tree' });
    }
    if (status < 0) {
      throw new FsError('ENOENT', { syscall: 'clone', detail: 'a directory of the detached copy is gone (removed by gc?)' });
    }
    const [entries, bytes, reached] = [asNumber(reply[1]), asNumber(reply[2]), asNumber(reply[3])];
    for (let i = 0; i < reached; i++) {
      const last = asBuffer(reply[5 + 2 * i]);
      const done = asNumber(reply[4 + 2 * i]) === 1;
      batch.progress[at + i] = done ? { done } : { done, last: last?.length ? last : batch.progress[at + i]!.last };
    }
    for (let j = 4 + 2 * reached; j + 1 < reply.length; j += 2) batch.dirs.push({ src: asNumber(reply[j]) as Ino, dst: asNumber(reply[j + 1]) as Ino });
    size = Math.min(MAX_CALL_UNITS, Math.max(MIN_CALL_UNITS, 2 * reached));
    batch.entries += entries;
    batch.bytes += bytes;
    budget -= entries;
    while (at < units.length && batch.progress[at]!.done) at++;
  }
  return batch;
}
