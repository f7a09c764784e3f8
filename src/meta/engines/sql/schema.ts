import type { SqlTypes } from './dialect.js';

/** The SQL family's tables, in the dialect's type names. */
export function schemaStatements(t: SqlTypes): string[] {
  const clustered = t.clustered ?? '';
  return [
    `CREATE TABLE IF NOT EXISTS setting (name VARCHAR(255) PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS counter (name VARCHAR(255) PRIMARY KEY, value ${t.int} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS node (
      ino ${t.int} PRIMARY KEY, type VARCHAR(8) NOT NULL, mode ${t.int} NOT NULL, uid ${t.int} NOT NULL,
      gid ${t.int} NOT NULL, nlink ${t.int} NOT NULL, length ${t.int} NOT NULL, rdev ${t.int} NOT NULL,
      atime ${t.int} NOT NULL, atimensec ${t.int} NOT NULL, mtime ${t.int} NOT NULL, mtimensec ${t.int} NOT NULL,
      ctime ${t.int} NOT NULL, ctimensec ${t.int} NOT NULL, parent ${t.int} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS edge (
      parent ${t.int} NOT NULL, name ${t.blob} NOT NULL, ino ${t.int} NOT NULL, type VARCHAR(8) NOT NULL,
      PRIMARY KEY (parent, name))${clustered}`,
    `CREATE TABLE IF NOT EXISTS symlink (ino ${t.int} PRIMARY KEY, target ${t.blob} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS xattr (ino ${t.int} NOT NULL, name VARCHAR(255) NOT NULL, value ${t.blob} NOT NULL,
      PRIMARY KEY (ino, name))`,
    `CREATE TABLE IF NOT EXISTS chunk_slice (
      ino ${t.int} NOT NULL, indx ${t.int} NOT NULL, seq ${t.int} NOT NULL, pos ${t.int} NOT NULL,
      id ${t.int} NOT NULL, size ${t.int} NOT NULL, off ${t.int} NOT NULL, len ${t.int} NOT NULL,
      PRIMARY KEY (ino, indx, seq))${clustered}`,
    `CREATE TABLE IF NOT EXISTS slice (id ${t.int} PRIMARY KEY, size ${t.int} NOT NULL, refs ${t.int} NOT NULL)${t.updatedOften ? ` WITH (${t.updatedOften})` : ''}`,
    // Inline data (DESIGN §2): the bytes of small slices, kept here instead of in objects.
    `CREATE TABLE IF NOT EXISTS slice_data (id ${t.int} PRIMARY KEY, data ${t.blob} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS delslice (id ${t.int} PRIMARY KEY, size ${t.int} NOT NULL, queued ${t.int} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS session (id ${t.int} PRIMARY KEY, info TEXT NOT NULL, expires ${t.int} NOT NULL)`,
    // One B-tree keyed by inode (a create adds a row, its file's last close removes it): unlink asks
    // which sessions hold an inode open; only a session's end asks the other way, and scans.
    // Volumes made before keep (session, ino) with an index on ino: the statements suit both.
    `CREATE TABLE IF NOT EXISTS sustained (ino ${t.int} NOT NULL, session ${t.int} NOT NULL, PRIMARY KEY (ino, session))${clustered}`,
    `CREATE TABLE IF NOT EXISTS detached (ino ${t.int} PRIMARY KEY, session ${t.int} NOT NULL, created ${t.int} NOT NULL)`,
    // Directory quotas (DESIGN §6), keyed by the directory's inode: limits and usage.
    `CREATE TABLE IF NOT EXISTS quota (ino ${t.int} PRIMARY KEY, capacity ${t.int} NOT NULL, inodes ${t.int} NOT NULL,
      used_bytes ${t.int} NOT NULL, used_inodes ${t.int} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS locks (ino ${t.int} NOT NULL, session ${t.int} NOT NULL, records TEXT NOT NULL,
      PRIMARY KEY (ino, session))`,
    // SQLite's change feed (change-log.ts); PostgreSQL notifies instead and leaves it empty.
    `CREATE TABLE IF NOT EXISTS change_log (seq ${t.int} PRIMARY KEY, payload TEXT NOT NULL)`,
    // Volumes made before the option: new pages get it.
    ...(t.updatedOften ? [`ALTER TABLE slice SET (${t.updatedOften})`] : []),
  ];
}

/**
 * Clone's scratch tables: a batch numbers its entries in clone_map and lists its directories in
 * clone_unit, and deletes its rows before it commits. They are TEMP tables, private to the
 * connection that clones (created on its first clone), so their rows never reach the database's
 * log, no other client ever reads them, and no dead rows pile up for other clients to scan.
 */
export function scratchStatements(t: SqlTypes): string[] {
  const clustered = t.clustered ?? '';
  const options = t.tempTable ?? '';
  return [
    `CREATE TEMP TABLE IF NOT EXISTS clone_map (batch ${t.int} NOT NULL, src ${t.int} NOT NULL, dst ${t.int} NOT NULL,
      parent_dst ${t.int} NOT NULL, name ${t.blob} NOT NULL, type VARCHAR(8) NOT NULL)${options}`,
    `CREATE TEMP TABLE IF NOT EXISTS clone_unit (batch ${t.int} NOT NULL, seq ${t.int} NOT NULL, src ${t.int} NOT NULL,
      dst ${t.int} NOT NULL, after ${t.blob} NOT NULL, PRIMARY KEY (batch, seq))${clustered}${options}`,
  ];
}

/** Every table, for `format --force` to empty. */
export const TABLES = [
  'setting', 'counter', 'node', 'edge', 'symlink', 'xattr', 'chunk_slice', 'slice', 'slice_data', 'delslice', 'session',
  'sustained', 'detached', 'quota', 'locks', 'change_log',
] as const;
