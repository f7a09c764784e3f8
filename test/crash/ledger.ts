import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileContent, sha256 } from './content.js';

/** What a crash test knows of one file it had written through a mount. */
interface Entry {
  /** Where its bytes come from: fileContent(source, n) is its first n bytes. */
  source: string;
  /** Longest length an fsync or a close returned for (0: none returned). */
  durable: number;
  /** Its length when the write could not have gone on (a close returned), if known. */
  complete?: number;
  /** Its most it can hold. */
  max: number;
  /** Length and hash found by the first check after the crash: later checks must find the same. */
  found?: { length: number; sha: string };
}

/** Counts of one verification pass. */
export interface LedgerCheck {
  files: number;
  /** Files with bytes an fsync or close made durable. */
  durable: number;
  /** Files with fewer bytes than were written (not durable; lost with the mount, as POSIX allows). */
  shortened: number;
  bytes: number;
}

/**
 * The files a crash test wrote through a mount, and what each must hold after the mount died:
 * every byte an fsync or a close returned for, and nothing but a prefix of what was written
 * (writes are sequential, so a commit can only ever extend the committed prefix).
 */
export class Ledger {
  private readonly entries = new Map<string, Entry>();
  private readonly families: Array<{ dir: string; prefix: string; source?: string; max: number }> = [];

  /**
   * Declares the files `dir/<prefix><number>` a writer may create (paths relative to the mount):
   * their content is fileContent(source, …), by default fileContent(<their name>, …).
   */
  expectFamily(dir: string, prefix: string, options: { source?: string; max: number }): void {
    this.families.push({ dir, prefix, ...options });
  }

  private entry(file: string): Entry | undefined {
    let e = this.entries.get(file);
    if (e) return e;
    const [dir, name] = [path.posix.dirname(file), path.posix.basename(file)];
    const f = this.families.find((x) => x.dir === dir && name.startsWith(x.prefix) && /^\d+$/.test(name.slice(x.prefix.length)));
    if (!f) return undefined;
    e = { source: f.source ?? name, durable: 0, max: f.max };
    this.entries.set(file, e);
    return e;
  }

  /** Records that an fsync (or close, `complete`) returned once `length` bytes were written. */
  durable(file: string, length: number, complete = false): void {
    const e = this.entry(file);
    assert.ok(e, `unknown file ${file}`);
    e.durable = Math.max(e.durable, length);
    if (complete) e.complete = length;
  }

  /**
   * Reads every file under `dirs` (relative to `mnt`) through the mount: each must be one the
   * ledger expects and hold a prefix of its content at least as long as its durable part (all
   * of it once closed); files seen before must be unchanged.
   */
  verify(mnt: string, dirs: string[]): LedgerCheck {
    const seen = new Set<string>();
    const check: LedgerCheck = { files: 0, durable: 0, shortened: 0, bytes: 0 };
    for (const dir of dirs) {
      for (const name of readdirSync(path.join(mnt, dir))) {
        const file = `${dir}/${name}`;
        const e = this.entry(file);
        assert.ok(e, `${file}: a file nobody wrote`);
        seen.add(file);
        const data = readFileSync(path.join(mnt, file));
        assert.ok(data.length <= e.max, `${file}: ${data.length} bytes, more than the ${e.max} written`);
        assert.ok(data.length >= e.durable, `${file}: ${data.length} bytes, but an fsync or close returned at ${e.durable}`);
        if (e.complete !== undefined) assert.equal(data.length, e.complete, `${file}: closed at ${e.complete} bytes`);
        assert.ok(data.equals(fileContent(e.source, data.length)), `${file}: its ${data.length} bytes are not what was written (sha ${sha256(data)})`);
        const sha = sha256(data);
        if (e.found) assert.deepEqual({ length: data.length, sha }, e.found, `${file}: changed since the first check after its crash`);
        e.found ??= { length: data.length, sha };
        check.files++;
        check.bytes += data.length;
        if (e.durable > 0) check.durable++;
        if (e.complete === undefined && data.length < e.max) check.shortened++;
      }
    }
    for (const [file, e] of this.entries) {
      if (!dirs.some((d) => file.startsWith(`${d}/`))) continue;
      assert.ok(seen.has(file) || (e.durable === 0 && !e.found), `${file}: missing (durable ${e.durable} bytes${e.found ? ', seen before' : ''})`);
    }
    return check;
  }
}
