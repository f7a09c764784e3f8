import Database from 'better-sqlite3';

/**
 * Fills a formatted, empty SQLite volume straight through its tables (seconds for a million
 * inodes): `inodes` in all, /d<k>/f<n> with `perDir` files per directory, one 4 KiB slice and one
 * chunk record per file, and counters to match (fsck-clean).
 */
export function fillSqliteVolume(file: string, options: { inodes: number; perDir?: number }): { dirs: number; files: number } {
  const perDir = options.perDir ?? 1000;
  const dirs = Math.ceil((options.inodes - 1) / (perDir + 1));
  const files = options.inodes - 1 - dirs;
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const t = Math.floor(Date.now() / 1000);
  const node = db.prepare(
    `INSERT INTO node (ino, type, mode, uid, gid, nlink, length, rdev, atime, atimensec, mtime, mtimensec, ctime, ctimensec, parent)
     VALUES (?, ?, ?, 0, 0, ?, ?, 0, ${t}, 0, ${t}, 0, ${t}, 0, ?)`,
  );
  const edge = db.prepare(`INSERT INTO edge (parent, name, ino, type) VALUES (?, ?, ?, ?)`);
  const slice = db.prepare(`INSERT INTO slice (id, size, refs) VALUES (?, 4096, 1)`);
  const record = db.prepare(`INSERT INTO chunk_slice (ino, indx, seq, pos, id, size, off, len) VALUES (?, 0, 1, 0, ?, 4096, 0, 4096)`);
  const batch = db.transaction((from: number, to: number) => {
    for (let f = from; f < to; f++) {
      const parent = 2 + Math.floor(f / perDir);
      const ino = 2 + dirs + f;
      node.run(ino, 'file', 0o644, 1, 4096, parent);
      edge.run(parent, Buffer.from(`f${f % perDir}`), ino, 'file');
      slice.run(f + 1);
      record.run(ino, f + 1);
    }
  });
  db.transaction(() => {
    db.prepare(`UPDATE node SET nlink = nlink + ? WHERE ino = 1`).run(dirs);
    for (let d = 0; d < dirs; d++) {
      node.run(2 + d, 'dir', 0o755, 2, 0, 1);
      edge.run(1, Buffer.from(`d${d}`), 2 + d, 'dir');
    }
  })();
  for (let f = 0; f < files; f += 100_000) batch(f, Math.min(files, f + 100_000));
  const set = db.prepare(`UPDATE counter SET value = ? WHERE name = ?`);
  for (const [name, value] of [['nextInode', 1 + dirs + files], ['inodes', options.inodes], ['nextSlice', files], ['usedBytes', files * 4096], ['storedSlices', files], ['storedBytes', files * 4096]] as const) {
    set.run(value, name);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { dirs, files };
}
