import { randomInt } from 'node:crypto';
import { lostCloneError } from '../../clone/clone-owner.js';
import type { CloneAttrs, CloneBatch, CloneEntriesSpec, CloneUnit, UnitProgress } from '../../clone/clone-spec.js';
import { PRIVILEGE_CLEARED } from '../../clone/cloned-attr.js';
import { checkCloneReadable } from '../../clone/check-readable.js';
import type { Caller, FileType, Ino, SessionId } from '../../types.js';
import type { SqlQuerier } from './dialect.js';

/** The SELECT list that turns a source `node` row `n` into its clone, numbered by clone_map `m`. */
function clonedColumns(attrs: CloneAttrs): { sql: string; params: unknown[] } {
  if (attrs.preserve && attrs.owner) {
    return {
      sql: `m.dst, n.type, CASE WHEN n.type = 'symlink' THEN n.mode ELSE (n.mode & ?) END, ?, ?,
            CASE WHEN n.type = 'dir' THEN 2 ELSE 1 END, n.length, n.rdev,
            n.atime, n.atimensec, n.mtime, n.mtimensec, n.ctime, n.ctimensec, m.parent_dst`,
      params: [PRIVILEGE_CLEARED, attrs.owner.uid, attrs.owner.gid],
    };
  }
  if (attrs.preserve) {
    return {
      sql: `m.dst, n.type, n.mode, n.uid, n.gid, CASE WHEN n.type = 'dir' THEN 2 ELSE 1 END, n.length, n.rdev,
            n.atime, n.atimensec, n.mtime, n.mtimensec, n.ctime, n.ctimensec, m.parent_dst`,
      params: [],
    };
  }
  const t = attrs.now;
  return {
    sql: `m.dst, n.type, CASE WHEN n.type = 'symlink' THEN n.mode ELSE (n.mode & ?) END, ?, ?,
          CASE WHEN n.type = 'dir' THEN 2 ELSE 1 END, n.length, n.rdev, ?, ?, ?, ?, ?, ?, m.parent_dst`,
    params: [~attrs.umask & 0o7777, attrs.uid, attrs.gid, t.sec, t.nsec, t.sec, t.nsec, t.sec, t.nsec],
  };
}

/** Records the units of a batch, so one statement can number their entries. */
async function storeUnits(q: SqlQuerier, batch: number, units: readonly CloneUnit[]): Promise<void> {
  for (let i = 0; i < units.length; i += 500) {
    const part = units.slice(i, i + 500);
    await q.run(
      `INSERT INTO clone_unit (batch, seq, src, dst, after) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      part.flatMap((u, j) => [batch, i + j, u.src, u.dst, u.after ?? Buffer.alloc(0)]),
    );
  }
}

/**
 * Numbers up to `budget` entries of the units into clone_map with one statement, in unit order
 * then name order, and reports how far each unit got.
 */
async function mapEntries(
  q: SqlQuerier,
  units: readonly CloneUnit[],
  spec: { batch: number; base: number; budget: number },
): Promise<{ mapped: number; progress: UnitProgress[] }> {
  await storeUnits(q, spec.batch, units);
  const mapped = await q.run(
    `INSERT INTO clone_map (batch, src, dst, parent_dst, name, type)
     SELECT ?, ino, ? + ROW_NUMBER() OVER (ORDER BY seq, name), dst, name, type FROM (
       SELECT e.ino, e.name, e.type, u.dst, u.seq FROM clone_unit u JOIN edge e ON e.parent = u.src AND e.name > u.after
       WHERE u.batch = ? ORDER BY u.seq, e.name LIMIT ?) AS page`,
    [spec.batch, spec.base, spec.batch, spec.budget],
  );
  await q.run(`DELETE FROM clone_unit WHERE batch = ?`, [spec.batch]);
  if (mapped < spec.budget) return { mapped, progress: units.map(() => ({ done: true })) };
  // The budget ran out inside some unit: it continues after its last name; later ones are untouched.
  const [last] = await q.all<{ parent_dst: number; name: Buffer }>(
    `SELECT parent_dst, name FROM clone_map WHERE batch = ? AND dst = ?`,
    [spec.batch, spec.base + mapped],
  );
  const cut = units.findIndex((u) => u.dst === Number(last!.parent_dst));
  const progress = units.map((u, i): UnitProgress =>
    i < cut ? { done: true } : i === cut ? { done: false, last: Buffer.from(last!.name) } : { done: false, last: u.after },
  );
  return { mapped, progress };
}

/**
 * ECANCELED unless the detached root still belongs to the cloning session. The check writes the
 * row (an update to itself) so that it conflicts with gc's claim of the same row: on PostgreSQL
 * a read alone would let a batch serialized before the claim commit after gc listed the tree.
 */
async function holdOwner(q: SqlQuerier, owner: { root: Ino; session: SessionId }): Promise<void> {
  if ((await q.run(`UPDATE detached SET session = session WHERE ino = ? AND session = ?`, [owner.root, owner.session])) > 0) return;
  const [row] = await q.all<{ session: number; created: number }>(`SELECT session, created FROM detached WHERE ino = ?`, [owner.root]);
  throw lostCloneError(owner.root, row && { ino: owner.root, session: Number(row.session) as SessionId, createdAt: Number(row.created) });
}

type AccessRow = { ino: number; type: FileType; mode: number; uid: number; gid: number };

/** EACCES unless the caller may read the units' source directories and every source the batch numbered. */
async function checkReadable(q: SqlQuerier, spec: { batch: number; units: readonly CloneUnit[]; caller: Caller }): Promise<void> {
  const check = (r: AccessRow) =>
    checkCloneReadable(spec.caller, { ino: Number(r.ino) as Ino, type: r.type, mode: Number(r.mode), uid: Number(r.uid), gid: Number(r.gid) });
  for (let i = 0; i < spec.units.length; i += 500) {
    const part = spec.units.slice(i, i + 500);
    const dirs = await q.all<AccessRow>(`SELECT ino, type, mode, uid, gid FROM node WHERE ino IN (${part.map(() => '?').join(', ')})`, part.map((u) => u.src));
    dirs.forEach(check);
  }
  const rows = await q.all<AccessRow>(
    `SELECT n.ino, n.type, n.mode, n.uid, n.gid FROM clone_map m JOIN node n ON n.ino = m.src WHERE m.batch = ? AND n.type IN ('dir', 'file')`,
    [spec.batch],
  );
  rows.forEach(check);
}

/**
 * The set-based clone of directory entries: entries are numbered into clone_map, then inodes,
 * edges, symlink targets, xattrs, chunk records and slice references are each copied with one
 * INSERT … SELECT (or UPDATE … FROM) over the whole batch.
 */
export async function cloneEntriesSql(
  q: SqlQuerier,
  units: readonly CloneUnit[],
  spec: CloneEntriesSpec & { scratch: readonly string[]; analyze: boolean },
): Promise<CloneBatch> {
  if (spec.owner) await holdOwner(q, spec.owner);
  for (const ddl of spec.scratch) await q.run(ddl);
  const batch = randomInt(1, 2 ** 47);
  const [counter] = await q.all<{ value: number }>(`SELECT value FROM counter WHERE name = 'nextInode'`);
  const base = Number(counter?.value ?? 0);
  const { mapped, progress } = await mapEntries(q, units, { batch, base, budget: spec.budget });
  if (spec.readableBy) await checkReadable(q, { batch, units, caller: spec.readableBy });
  if (mapped === 0) return { entries: 0, bytes: 0, dirs: [], progress };
  if (spec.analyze) await q.run(`ANALYZE clone_map`);
  await q.run(`UPDATE counter SET value = value + ? WHERE name = 'nextInode'`, [mapped]);
  const cols = clonedColumns(spec.attrs);
  const only = `WHERE m.batch = ?`;
  await q.run(
    `INSERT INTO node (ino, type, mode, uid, gid, nlink, length, rdev, atime, atimensec, mtime, mtimensec, ctime, ctimensec, parent)
     SELECT ${cols.sql} FROM clone_map m JOIN node n ON n.ino = m.src ${only}`,
    [...cols.params, batch],
  );
  await q.run(`INSERT INTO edge (parent, name, ino, type) SELECT m.parent_dst, m.name, m.dst, m.type FROM clone_map m ${only}`, [batch]);
  await q.run(`INSERT INTO symlink (ino, target) SELECT m.dst, s.target FROM clone_map m JOIN symlink s ON s.ino = m.src ${only} AND m.type = 'symlink'`, [batch]);
  await q.run(`INSERT INTO xattr (ino, name, value) SELECT m.dst, x.name, x.value FROM clone_map m JOIN xattr x ON x.ino = m.src ${only}`, [batch]);
  await q.run(
    `INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len)
     SELECT m.dst, c.indx, c.seq, c.pos, c.id, c.size, c.off, c.len FROM clone_map m JOIN chunk_slice c ON c.ino = m.src ${only} AND m.type = 'file'`,
    [batch],
  );
  await q.run(
    `UPDATE slice SET refs = refs + r.n FROM
       (SELECT c.id, COUNT(*) AS n FROM clone_map m JOIN chunk_slice c ON c.ino = m.src ${only} AND m.type = 'file' AND c.id <> 0 GROUP BY c.id) AS r
     WHERE slice.id = r.id`,
    [batch],
  );
  await q.run(
    `UPDATE node SET nlink = node.nlink + d.n FROM
       (SELECT parent_dst, COUNT(*) AS n FROM clone_map WHERE batch = ? AND type = 'dir' GROUP BY parent_dst) AS d
     WHERE node.ino = d.parent_dst`,
    [batch],
  );
  const [totals] = await q.all<{ bytes: number | null }>(
    `SELECT SUM(n.length) AS bytes FROM clone_map m JOIN node n ON n.ino = m.src ${only} AND m.type = 'file'`,
    [batch],
  );
  const dirs = await q.all<{ src: number; dst: number }>(`SELECT src, dst FROM clone_map WHERE batch = ? AND type = 'dir'`, [batch]);
  await q.run(`DELETE FROM clone_map WHERE batch = ?`, [batch]);
  const entries = mapped;
  const bytes = Number(totals?.bytes ?? 0);
  await q.run(`UPDATE counter SET value = value + ? WHERE name = 'inodes'`, [entries]);
  await q.run(`UPDATE counter SET value = value + ? WHERE name = 'usedBytes'`, [bytes]);
  return { entries, bytes, dirs: dirs.map((d) => ({ src: Number(d.src) as Ino, dst: Number(d.dst) as Ino })), progress };
}

/** Entries below a directory, counted with one recursive query. */
export async function countSubtreeSql(q: SqlQuerier, ino: Ino): Promise<number> {
  const [row] = await q.all<{ n: number }>(
    `WITH RECURSIVE t (ino, type) AS (
       SELECT ino, type FROM edge WHERE parent = ?
       UNION ALL SELECT e.ino, e.type FROM edge e JOIN t ON e.parent = t.ino WHERE t.type = 'dir')
     SELECT COUNT(*) AS n FROM t`,
    [ino],
  );
  return Number(row?.n ?? 0);
}

/**
 * Totals of the entries below a directory in one recursive query: every edge joined to its
 * inode (an edge whose inode is missing counts nowhere and is not descended), directories by
 * the inode's type. A hard-linked file counts once per name, as a walk would.
 */
export async function summarizeSubtreeSql(q: SqlQuerier, ino: Ino): Promise<{ size: number; files: number; dirs: number }> {
  const [row] = await q.all<{ dirs: number | string | null; total: number | string; size: number | string | null }>(
    `WITH RECURSIVE t (ino, type, length) AS (
       SELECT n.ino, n.type, n.length FROM edge e JOIN node n ON n.ino = e.ino WHERE e.parent = ?
       UNION ALL SELECT n.ino, n.type, n.length FROM t JOIN edge e ON e.parent = t.ino JOIN node n ON n.ino = e.ino WHERE t.type = 'dir')
     SELECT SUM(CASE WHEN type = 'dir' THEN 1 ELSE 0 END) AS dirs, COUNT(*) AS total,
            SUM(CASE WHEN type = 'file' THEN length ELSE 0 END) AS size FROM t`,
    [ino],
  );
  const dirs = Number(row?.dirs ?? 0);
  return { size: Number(row?.size ?? 0), files: Number(row?.total ?? 0) - dirs, dirs };
}
