import Database from 'better-sqlite3';

/** µs per call of each transaction of an echoed file, and of its COMMIT alone. */
export interface FloorFigures {
  create: number;
  createCommit: number;
  close: number;
  closeCommit: number;
}

const FIELDS = ['ino', 'type', 'mode', 'uid', 'gid', 'nlink', 'length', 'rdev', 'atime', 'atimensec', 'mtime', 'mtimensec', 'ctime', 'ctimensec', 'parent'];
const COLUMNS = FIELDS.join(', ');
const upsert = (table: string, key: string, columns: string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
   ON CONFLICT (${key}) DO UPDATE SET ${columns.filter((c) => !key.split(', ').includes(c)).map((c) => `${c} = excluded.${c}`).join(', ')}`;

/**
 * The floor under a SQLite volume's small file: the two transactions an echoed file commits (the
 * create, and the close's commit of its data inline), with the statements the engine sends for
 * them (as better-sqlite3's `verbose` trace shows them, 2026-12-05) and the writer's pragmas, run
 * on better-sqlite3 directly: no slicefs code between the loop and the driver. `file` is a
 * formatted, empty volume of its own (its schema is the engine's).
 */
export function sqliteFloor(file: string, files: number): FloorFigures {
  const db = new Database(file, { fileMustExist: true });
  try {
    for (const p of ['journal_mode = WAL', 'synchronous = NORMAL', 'cache_size = -131072', 'mmap_size = 1073741824', 'wal_autocheckpoint = 16384']) db.pragma(p);
    const putNode = db.prepare(upsert('node', 'ino', FIELDS));
    const getNode = db.prepare(`SELECT ${COLUMNS} FROM node WHERE ino = ?`);
    const getEntry = db.prepare(
      `SELECT p.*, e.ino AS e_ino, e.type AS e_type, c.* FROM node p LEFT JOIN edge e ON e.parent = p.ino AND e.name = ?
       LEFT JOIN node c ON c.ino = e.ino WHERE p.ino = ?`,
    );
    const putEdge = db.prepare(upsert('edge', 'parent, name', ['parent', 'name', 'ino', 'type']));
    const count = db.prepare(`INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value`);
    const sustain = db.prepare(`INSERT INTO sustained (session, ino) VALUES (?, ?) ON CONFLICT (session, ino) DO NOTHING`);
    const slice = db.prepare(`INSERT INTO slice (id, size, refs) VALUES (?, ?, 1)`);
    const sliceData = db.prepare(`INSERT INTO slice_data (id, data) VALUES (?, ?)`);
    const record = db.prepare(
      `INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len)
       SELECT ?, 0, COALESCE(MAX(seq), 0) + 1, 0, ?, ?, 0, ? FROM chunk_slice WHERE ino = ? AND indx = 0`,
    );
    const data = Buffer.from('hello\n');
    const dir = 1_000_000;
    const t = Math.floor(Date.now() / 1000);
    putNode.run(dir, 'dir', 0o755, 0, 0, 2, 0, 0, t, 0, t, 0, t, 0, 1);
    const ns = { create: 0, createCommit: 0, close: 0, closeCommit: 0 };
    const since = (from: bigint) => Number(process.hrtime.bigint() - from);
    for (let i = 0; i < files; i++) {
      const ino = dir + 1 + i;
      const name = Buffer.from(`f${i}`);
      let start = process.hrtime.bigint();
      db.exec('BEGIN IMMEDIATE');
      getEntry.all(name, dir);
      putNode.run(ino, 'file', 0o644, 0, 0, 1, 0, 0, t, i, t, i, t, i, dir);
      putEdge.run(dir, name, ino, 'file');
      putNode.run(dir, 'dir', 0o755, 0, 0, 2, 0, 0, t, 0, t, i, t, i, 1);
      count.run('inodes', 1);
      sustain.run(1, ino);
      let commit = process.hrtime.bigint();
      db.exec('COMMIT');
      ns.createCommit += since(commit);
      ns.create += since(start);

      start = process.hrtime.bigint();
      db.exec('BEGIN IMMEDIATE');
      getNode.all(ino);
      slice.run(ino, data.length);
      sliceData.run(ino, data);
      count.run('storedSlices', 1);
      count.run('storedBytes', data.length);
      record.run(ino, ino, data.length, data.length, ino);
      count.run('usedBytes', data.length);
      putNode.run(ino, 'file', 0o644, 0, 0, 1, data.length, 0, t, i, t, i + 1, t, i + 1, dir);
      commit = process.hrtime.bigint();
      db.exec('COMMIT');
      ns.closeCommit += since(commit);
      ns.close += since(start);
    }
    const us = (n: number) => n / 1e3 / files;
    return { create: us(ns.create), createCommit: us(ns.createCommit), close: us(ns.close), closeCommit: us(ns.closeCommit) };
  } finally {
    db.close();
  }
}
