import type { StatShape } from './operations.js';

/**
 * The expectation language of a case, one string:
 *
 *   OUTCOME [; PATH: CHECK CHECK …]…
 *
 * OUTCOME is `ok` or the errno name the operation must fail with. Each PATH (relative to the
 * case directory, `.` is the directory itself) is lstat'ed before and after the operation and
 * its CHECKs are made after it, whatever the outcome (a failed call must change nothing):
 *
 *   file dir symlink fifo chr blk sock missing      the type, or that nothing is there
 *   mode=0644 nlink=2 size=3 uid=user gid=root rdev=1:3
 *   times=cm      these of a/c/m changed; c and m not listed must not have changed (`times=-`:
 *                 neither); atime is only checked when listed (relatime makes it noisy)
 *   atime=S:N mtime=S:N                            exact timestamps (seconds:nanoseconds)
 *   ino=OTHER ino!=OTHER                           same (or not the same) inode as OTHER before
 *   content=TEXT hex=HEX target=TEXT entries=a,b   the bytes read, readlink, sorted names
 */
export interface Expectation {
  errno: string | undefined; // undefined: must succeed
  checks: { path: string; check: string }[];
}

export function parseExpectation(text: string): Expectation {
  const [outcome, ...parts] = text.split(';').map((s) => s.trim());
  if (!outcome || !(outcome === 'ok' || /^E[A-Z0-9]+$/.test(outcome))) throw new Error(`bad outcome in "${text}"`);
  const checks = parts.flatMap((part) => {
    const m = /^(\S+):\s+(.+)$/.exec(part);
    if (!m) throw new Error(`bad check "${part}" in "${text}" (want "PATH: CHECK …")`);
    return m[2]!.split(/\s+/).map((check) => ({ path: m[1]!, check }));
  });
  return { errno: outcome === 'ok' ? undefined : outcome, checks };
}

/** Paths to lstat before the operation: every checked path and every ino= reference. */
export function pathsToSnapshot(e: Expectation): string[] {
  const refs = e.checks.flatMap(({ path, check }) => [path, ...(/^ino!?=(.+)$/.exec(check)?.slice(1) ?? [])]);
  return [...new Set(refs)];
}

/** What needs reading after the operation, besides lstat. */
export function readsAfter(e: Expectation): { path: string; kind: 'read' | 'readlink' | 'readdir' }[] {
  const kinds = { content: 'read', hex: 'read', target: 'readlink', entries: 'readdir' } as const;
  const out = new Map<string, { path: string; kind: 'read' | 'readlink' | 'readdir' }>();
  for (const { path, check } of e.checks) {
    const kind = kinds[check.split('=')[0] as keyof typeof kinds];
    if (kind) out.set(`${kind} ${path}`, { path, kind });
  }
  return [...out.values()];
}

/** What the evaluation sees: lstat before and after (null: missing), and the reads. */
export interface Observations {
  before: Map<string, StatShape | null>;
  after: Map<string, StatShape | null>;
  reads: Map<string, string | string[] | null>; // key `${kind} ${path}`
}

const TYPES = new Set(['file', 'dir', 'symlink', 'fifo', 'chr', 'blk', 'sock']);
const FIELDS = new Set(['mode', 'nlink', 'size', 'uid', 'gid', 'rdev', 'atime', 'mtime', 'ctime']);

/** The failed checks, as messages (empty: all hold). */
export function failedChecks(e: Expectation, seen: Observations): string[] {
  const problems: string[] = [];
  for (const { path, check } of e.checks) {
    const problem = checkOne({ path, check }, { ...seen, expectation: e });
    if (problem) problems.push(`${path}: ${check}: ${problem}`);
  }
  return problems;
}

function checkOne({ path, check }: { path: string; check: string }, seen: Observations & { expectation: Expectation }): string | undefined {
  const after = seen.after.get(path) ?? null;
  const before = seen.before.get(path) ?? null;
  if (check === 'missing') return after ? `exists (${after.type})` : undefined;
  if (!after) return 'missing';
  if (TYPES.has(check)) return after.type === check ? undefined : `is a ${after.type}`;
  const [key, value = ''] = splitCheck(check);
  if (FIELDS.has(key)) {
    const actual = String(after[key as keyof StatShape]);
    return actual === value ? undefined : `is ${actual}`;
  }
  switch (key) {
    case 'times':
      return timesProblem(value, { before: before ?? sameInodeBefore(path, seen), after });
    case 'ino':
    case 'ino!': {
      const other = seen.before.get(value);
      if (!other) return `${value} did not exist before`;
      const same = other.ino === after.ino;
      return same === (key === 'ino') ? undefined : `inode ${after.ino}, ${value}'s was ${other.ino}`;
    }
    case 'content':
    case 'hex': {
      const bytes = seen.reads.get(`read ${path}`);
      if (typeof bytes !== 'string') return 'could not be read';
      const actual = key === 'hex' ? Buffer.from(bytes, 'latin1').toString('hex') : bytes;
      return actual === value ? undefined : `is ${JSON.stringify(actual)}`;
    }
    case 'target': {
      const target = seen.reads.get(`readlink ${path}`);
      return target === value ? undefined : `is ${JSON.stringify(target)}`;
    }
    case 'entries': {
      const names = seen.reads.get(`readdir ${path}`);
      const actual = Array.isArray(names) ? names.join(',') : 'unreadable';
      return actual === value ? undefined : `is ${actual}`;
    }
  }
  throw new Error(`unknown check ${check}`);
}

/** A path created by the operation (a rename target) compares with the inode its ino= check names. */
function sameInodeBefore(path: string, seen: Observations & { expectation: Expectation }): StatShape | null {
  const ref = seen.expectation.checks.find((c) => c.path === path && c.check.startsWith('ino='))?.check.slice(4);
  return (ref && seen.before.get(ref)) || null;
}

function splitCheck(check: string): [string, string | undefined] {
  const i = check.indexOf('=');
  return i < 0 ? [check, undefined] : [check.slice(0, i), check.slice(i + 1)];
}

function timesProblem(letters: string, { before, after }: { before: StatShape | null; after: StatShape }): string | undefined {
  if (!before) return 'did not exist before the operation';
  if (!/^(-|[acm]+)$/.test(letters)) throw new Error(`bad times=${letters}`);
  const wrong: string[] = [];
  for (const [letter, field] of [['a', 'atime'], ['c', 'ctime'], ['m', 'mtime']] as const) {
    const changed = before[field] !== after[field];
    const want = letters.includes(letter);
    if (letter === 'a' && !want) continue;
    if (changed !== want) wrong.push(`${field} ${changed ? `changed ${before[field]} -> ${after[field]}` : `unchanged ${after[field]}`}`);
  }
  return wrong.length ? wrong.join(', ') : undefined;
}
