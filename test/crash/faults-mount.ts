import assert from 'node:assert/strict';
import { appendFileSync, promises as fs, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { blockKey } from '../../src/chunk/block-key.js';
import { wrapperParams } from '../../src/object/wrapper-params.js';
import { sh } from '../fuse/support/mounted-volume.js';
import { fsckCli, gcCli, storeContents } from './checks.js';
import { recordedBlockKeys } from '../support/tree.js';
import { fileContent } from './content.js';
import { type CrashVolume, isMounted } from './crash-volume.js';

const BLOCK = 256 * 1024;

/**
 * Kinds of files, told apart by the length of their last block (3 full blocks, then `tail`
 * bytes): the fault rules of the storage URL select objects by that length.
 */
export const KINDS = {
  plain: { tail: 1000, rule: '' },
  /** Every upload of the last block fails (a 500): the writer must get EIO. */
  putFails: { tail: 4097, rule: 'put,key=chunks/*_4097' },
  /** Two uploads fail, throttled (503), then succeed: invisible. */
  putThrottled: { tail: 4099, rule: 'put,key=chunks/*_4099,times=2,error=SlowDown' },
  /** Two uploads lose their connection, then succeed: invisible. */
  putReset: { tail: 4079, rule: 'put,key=chunks/*_4079,times=2,error=ECONNRESET' },
  /** Reads of the last block return half of it. */
  getTruncated: { tail: 4093, rule: 'get,key=chunks/*_4093,truncate' },
  /** Every read of the last block fails (a 500). */
  getFails: { tail: 4091, rule: 'get,key=chunks/*_4091' },
  /** Reads of the last block are refused (a 403, not retried). */
  getDenied: { tail: 4081, rule: 'get,key=chunks/*_4081,error=EACCES' },
  /** Two reads lose their connection, then succeed: invisible. */
  getReset: { tail: 4089, rule: 'get,key=chunks/*_4089,times=2,error=ECONNRESET' },
  /** The last block's object is deleted from the store's directory. */
  missing: { tail: 4087, rule: '' },
  /** The last block's object is cut short on disk. */
  short: { tail: 4085, rule: '' },
  /** The last block's object has bytes appended on disk. */
  long: { tail: 4083, rule: '' },
} as const;
type Kind = keyof typeof KINDS;

/** The storage URL's query: the rules above, and 2 retries (3 attempts) so transient faults stay under the limit. */
export const FAULTS_QUERY = `faults=${encodeURIComponent(Object.values(KINDS).map((k) => k.rule).filter(Boolean).join(';'))}&retries=2`;

const READ_FAILS: readonly Kind[] = ['getTruncated', 'getFails', 'getDenied', 'missing', 'short', 'long'];
const APPS = ['dd', 'cat', 'cp', 'node'] as const;
type App = (typeof APPS)[number];

const sizeOf = (kind: Kind) => 3 * BLOCK + KINDS[kind].tail;

/** Writes `local` to `target` with an application; returns its errno text on failure. */
async function writeWith(app: App, local: string, target: string): Promise<string | undefined> {
  if (app === 'node') {
    try {
      const h = await fs.open(target, 'w');
      try {
        await h.write(readFileSync(local));
        await h.sync();
      } finally {
        await h.close();
      }
      return undefined;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code;
    }
  }
  const command = {
    dd: `dd if=${local} of=${target} bs=1M conv=fsync status=none`,
    cat: `cat ${local} > ${target}`,
    cp: `cp ${local} ${target}`,
  }[app];
  const r = sh(command);
  return r.code === 0 ? undefined : r.err.trim();
}

/** Reads `source` with an application into a local file; returns the bytes it got and its error, if any. */
async function readWith(app: App, source: string, local: string): Promise<{ data: Buffer; error?: string }> {
  rmSync(local, { force: true });
  if (app === 'node') {
    try {
      return { data: await fs.readFile(source) };
    } catch (err) {
      return { data: Buffer.alloc(0), error: (err as NodeJS.ErrnoException).code };
    }
  }
  const command = {
    dd: `dd if=${source} of=${local} bs=1M status=none`,
    cat: `cat ${source} > ${local}`,
    cp: `cp ${source} ${local}`,
  }[app];
  const r = sh(command);
  let data = Buffer.alloc(0);
  try {
    data = readFileSync(local);
  } catch {
    // cp may not have created it
  }
  return { data, ...(r.code === 0 ? {} : { error: r.err.trim() }) };
}

/** What the faults scenario saw, for the log. */
export interface FaultsReport {
  writes: { ok: number; eio: number };
  reads: { ok: number; eio: number; partialOk: number };
  fsckMissing: number;
}

/**
 * A volume whose storage URL (through `slicefs format`) carries ?faults= rules, used with dd,
 * cat, cp and node through a mount: uploads that fail for good are EIO at fsync or close and
 * leave nothing, transient failures are invisible, reads of a truncated, failing, refused,
 * missing, short or overlong object are EIO; every successful read is the exact bytes written.
 */
export async function faultsUnderAMount(cv: CrashVolume): Promise<FaultsReport> {
  const { vol } = cv;
  const params = wrapperParams(vol.settings.storage);
  assert.equal(params.faults.length, Object.values(KINDS).filter((k) => k.rule).length, `format kept the fault rules: ${vol.settings.storage}`);
  assert.equal(params.retries, 2);
  const report: FaultsReport = { writes: { ok: 0, eio: 0 }, reads: { ok: 0, eio: 0, partialOk: 0 }, fsckMissing: 0 };
  const kinds = Object.keys(KINDS) as Kind[];
  const local = (name: string) => path.join(cv.dir, name);
  for (const kind of kinds) writeFileSync(local(kind), fileContent(kind, sizeOf(kind)));

  // Writes through a first mount.
  const a = await cv.mount();
  for (const kind of kinds) {
    for (const app of APPS) {
      const error = await writeWith(app, local(kind), `${cv.mnt}/${kind}.${app}`);
      if (kind === 'putFails') {
        assert.ok(error && /EIO|Input\/output error/.test(error), `${app} writing ${kind}: EIO expected, got ${error ?? 'success'}`);
        report.writes.eio++;
      } else {
        assert.equal(error, undefined, `${app} writing ${kind}`);
        report.writes.ok++;
      }
    }
  }
  for (const app of APPS) {
    const failed = `${cv.mnt}/putFails.${app}`;
    assert.equal(readFileSync(failed).length, 0, `${failed}: nothing of a write that could not be stored is visible`);
    assert.equal((await vol.stat(`/putFails.${app}`)).size, 0);
  }
  await a.stop();

  // Objects damaged behind the store's back.
  const damaged: string[] = [];
  for (const kind of ['missing', 'short', 'long'] as const) {
    for (const app of APPS) {
      const ino = (await vol.stat(`/${kind}.${app}`)).ino as never;
      const [record] = await vol.meta.readChunk(ino, 0);
      const key = blockKey(record!.id, 3, KINDS[kind].tail);
      const file = path.join(cv.storageDir, key);
      if (kind === 'missing') unlinkSync(file);
      if (kind === 'short') truncateSync(file, KINDS[kind].tail - 100);
      if (kind === 'long') appendFileSync(file, Buffer.alloc(100, 7));
      if (kind === 'missing') damaged.push(key);
    }
  }

  // Reads through a fresh mount (no cached block, no cached page).
  const b = await cv.mount();
  for (const kind of kinds) {
    for (const app of APPS) {
      const file = `${cv.mnt}/${kind}.${app}`;
      const expected = kind === 'putFails' ? Buffer.alloc(0) : fileContent(kind, sizeOf(kind));
      const got = await readWith(app, file, local(`read-${kind}-${app}`));
      // Never wrong data: whatever an application got is the start of what was written.
      assert.ok(got.data.equals(expected.subarray(0, got.data.length)), `${app} reading ${kind}: ${got.data.length} bytes that are not what was written`);
      if (READ_FAILS.includes(kind)) {
        assert.ok(got.error && /EIO|Input\/output error/.test(got.error), `${app} reading ${kind}: EIO expected, got ${got.error ?? `${got.data.length} bytes`}`);
        report.reads.eio++;
      } else {
        assert.equal(got.error, undefined, `${app} reading ${kind}`);
        assert.equal(got.data.length, expected.length, `${app} reading ${kind}: the whole file`);
        report.reads.ok++;
      }
    }
    // A read that does not reach the bad block succeeds, with the right bytes.
    const h = await fs.open(`${cv.mnt}/${kind}.node`, 'r');
    try {
      const { bytesRead, buffer } = await h.read(Buffer.alloc(BLOCK), 0, BLOCK, BLOCK);
      const expected = kind === 'putFails' ? Buffer.alloc(0) : fileContent(kind, 2 * BLOCK).subarray(BLOCK);
      assert.ok(buffer.subarray(0, bytesRead).equals(expected), `the second block of ${kind}`);
      report.reads.partialOk++;
    } finally {
      await h.close();
    }
  }
  await b.stop();

  // fsck sees the deleted objects and nothing else; nothing leaked: the blocks of failed
  // uploads were deleted when their slices were discarded.
  const fsck = fsckCli(cv.metaUrl);
  assert.deepEqual(
    fsck.report.problems.map((p) => p.kind + ' ' + /object (\S+) is missing/.exec(p.detail)?.[1]).sort(),
    damaged.map((k) => `object-missing ${k}`).sort(),
    'fsck --check-objects reports exactly the deleted objects',
  );
  report.fsckMissing = fsck.report.problems.length;
  const gc = gcCli(cv.metaUrl, ['--threshold', '0']);
  assert.equal(gc.objects.leaked.objects, 0, 'no leaked object');
  const expected = (await recordedBlockKeys(vol)).filter((k) => !damaged.includes(k));
  assert.deepEqual(storeContents(cv.storageDir).keys, expected, 'the store holds the blocks of the recorded slices (less the deleted ones)');
  assert.ok(!isMounted(cv.mnt), 'nothing is left mounted');
  return report;
}
