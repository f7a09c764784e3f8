import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import { FIRST_INTERNAL_INO, ROOT_INO, type Ino } from '../../src/meta/types.js';
import { FsError, type Volume } from '../../src/sdk/index.js';
import { type EngineVolume, withEngineVolume } from '../support/engine-volume.js';
import { buildTree, countObjects, describeTree } from '../support/tree.js';

const code = (c: string) => (e: unknown) => e instanceof FsError && e.code === c;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The non-root user the `user` runs clone as (nobody:nogroup, no supplementary groups). */
const USER = { uid: 65534, gid: 65534, gids: [], umask: 0o022 };

/**
 * A fresh volume whose clones are made by `who`: root, or a non-root user who owns the volume's
 * root directory (so it builds its trees where it may). `root` is a root client for what only
 * root may do; `another` opens more clients as `who`.
 */
async function withCloneVolume(engine: TestEngine, who: 'root' | 'user', fn: (v: EngineVolume & { root: Volume }) => Promise<void>): Promise<void> {
  await withEngineVolume(engine, async (v) => {
    if (who === 'root') return fn({ ...v, root: v.vol });
    await v.vol.chown('/', USER.uid, USER.gid);
    const vol = await v.another({ caller: USER });
    await fn({ ...v, vol, root: v.vol, another: (o) => v.another(o ?? { caller: USER }) });
  });
}

/** DESIGN §3 rules 1–4, 8–10 on one engine, cloned by root or by a non-root user. */
export function cloneSemantics(engine: TestEngine, who: 'root' | 'user' = 'root'): void {
  describe(`clone semantics [${engine.name}, as ${who}]`, () => {
    it('rule 1: a file clone copies metadata only — same bytes, new inode, no object added', async () => {
      await withCloneVolume(engine, who, async ({ vol, storageDir }) => {
        const data = Buffer.alloc(1_000_000, 9);
        await vol.writeFile('/big', data);
        await vol.setxattr('/big', 'user.k', 'v');
        const objects = countObjects(storageDir);
        const totals = await vol.meta.engine.totals();
        const st = await vol.clone('/big', '/copy');
        assert.notEqual(st.ino, (await vol.stat('/big')).ino);
        assert.equal(countObjects(storageDir), objects, 'no object written');
        assert.equal((await vol.meta.engine.totals()).slices, totals.slices, 'no slice created');
        assert.ok((await vol.readFile('/copy')).equals(data));
        assert.equal((await vol.getxattr('/copy', 'user.k')).toString(), 'v');
      });
    });

    it('rule 2: copy-on-write — writing, truncating or deleting either side leaves the other intact', async () => {
      await withCloneVolume(engine, who, async ({ vol, storageDir }) => {
        const data = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 7) % 251));
        await vol.writeFile('/a', data);
        await vol.clone('/a', '/b');
        const objects = countObjects(storageDir);
        const slices = (await vol.meta.engine.totals()).slices;
        const h = await vol.open('/b', 'r+');
        await h.write(Buffer.alloc(1000, 1), 0, 1000, 70_000);
        await h.close();
        assert.equal((await vol.meta.engine.totals()).slices, slices + 1, 'one new slice for one small write');
        assert.equal(countObjects(storageDir), objects, 'kept in the engine (inline data): no object written or rewritten');
        const h2 = await vol.open('/b', 'r+');
        await h2.write(Buffer.alloc(5000, 2), 0, 5000, 80_000);
        await h2.close();
        assert.equal(countObjects(storageDir), objects + 1, 'one new block for a write above the inline size');
        assert.equal(sha(await vol.readFile('/a')), sha(data));
        await vol.truncate('/a', 10);
        const expectedB = Buffer.from(data);
        expectedB.fill(1, 70_000, 71_000);
        expectedB.fill(2, 80_000, 85_000);
        assert.equal(sha(await vol.readFile('/b')), sha(expectedB));
        await vol.unlink('/a');
        await vol.settle();
        assert.equal(sha(await vol.readFile('/b')), sha(expectedB), 'shared blocks outlive the deleted side');
        await vol.unlink('/b');
        await vol.settle();
        assert.equal(countObjects(storageDir), 0, 'the last reference frees every block');
      });
    });

    it('rule 2: a tree clone shares every block; writes land in new blocks only', async () => {
      await withCloneVolume(engine, who, async ({ vol, storageDir }) => {
        await buildTree(vol, '/src');
        const srcBefore = await describeTree(vol, '/src');
        const objects = countObjects(storageDir);
        const slices = (await vol.meta.engine.totals()).slices;
        await vol.clone('/src', '/dst', { preserve: true });
        assert.equal(countObjects(storageDir), objects);
        assert.equal((await vol.meta.engine.totals()).slices, slices, 'the clone shares every slice');
        assert.deepEqual(await describeTree(vol, '/dst'), srcBefore);
        await vol.writeFile('/dst/sub/f1', 'rewritten');
        await vol.rm('/dst/sub/deeper', { recursive: true });
        await vol.appendFile('/src/f0', Buffer.alloc(5000, 4));
        assert.equal((await vol.meta.engine.totals()).slices, slices + 2, 'two writes, two new slices; nothing shared was freed');
        assert.equal(countObjects(storageDir), objects + 1, 'the small one inline, the other one block');
        const after = await describeTree(vol, '/src');
        assert.notDeepEqual(after['f0'], srcBefore['f0']);
        assert.deepEqual({ ...after, f0: srcBefore['f0'] }, srcBefore, 'only the source file written to changed');
        assert.equal(await vol.readFile('/dst/sub/f1', 'utf8'), 'rewritten');
      });
    });

    it('rule 3: the destination is invisible until the clone is done', async () => {
      await withCloneVolume(engine, who, async ({ vol, another }) => {
        await buildTree(vol, '/src', { files: 60, fileSize: 10 });
        const expected = Object.keys(await describeTree(vol, '/src')).length;
        const reader = await another();
        // Between batches (at each progress report) a second client looks for the destination:
        // it must see nothing, or — if its look lands after the final link — the whole tree.
        const looks: Promise<void>[] = [];
        const look = async () => {
          if (await reader.exists('/dst')) assert.equal(Object.keys(await describeTree(reader, '/dst')).length, expected, 'partial destination seen');
        };
        await vol.clone('/src', '/dst', { batchSize: 5, onProgress: () => void looks.push(look()) });
        assert.ok(looks.length > 5, 'the clone ran in many batches');
        await Promise.all(looks);
        assert.equal(Object.keys(await describeTree(reader, '/dst')).length, expected);
        assert.deepEqual(await vol.meta.engine.listDetached(), []);
      });
    });

    it('rule 4: a file clone is atomic (a reader sees nothing or the whole file)', async () => {
      await withCloneVolume(engine, who, async ({ vol, another }) => {
        const data = Buffer.alloc(3_000_000, 5);
        await vol.writeFile('/f', data);
        const reader = await another();
        const clone = vol.clone('/f', '/g');
        for (let i = 0; i < 20; i++) {
          if (await reader.exists('/g')) {
            assert.equal((await reader.stat('/g')).size, data.length);
            break;
          }
          await new Promise((r) => setImmediate(r));
        }
        await clone;
        assert.ok((await reader.readFile('/g')).equals(data));
      });
    });

    it('rule 8: without preserve the caller owns the clone at now; with preserve attributes are copied', async () => {
      await withCloneVolume(engine, who, async ({ vol, root }) => {
        await vol.mkdir('/src');
        await vol.writeFile('/src/f', 'x');
        await vol.chmod('/src/f', 0o777);
        await vol.utimes('/src/f', 1000, 2000);
        await root.chown('/src/f', 1234, 5678);
        await vol.symlink('f', '/src/l');
        await vol.clone('/src', '/plain');
        await vol.clone('/src', '/kept', { preserve: true });
        const plain = await vol.stat('/plain/f');
        assert.equal(plain.uid, vol.caller.uid);
        assert.equal(plain.gid, vol.caller.gid);
        assert.equal(plain.mode & 0o777, 0o755, 'umask 022 applies');
        assert.ok(plain.mtimeMs > Date.now() - 60_000);
        const kept = await vol.stat('/kept/f');
        assert.deepEqual([kept.mode & 0o777, kept.atimeMs, kept.mtimeMs], [0o777, 1_000_000, 2_000_000]);
        // Only root keeps the owner (DESIGN §3.8; the non-root rule is pinned with the preserve tests).
        if (who === 'root') assert.deepEqual([kept.uid, kept.gid], [1234, 5678]);
        assert.ok((await vol.lstat('/plain/l')).isSymbolicLink());
        assert.equal(await vol.readlink('/kept/l'), 'f');
      });
    });

    it('rule 8: hard links inside a tree become separate files; special files stay special', async () => {
      await withCloneVolume(engine, who, async ({ vol }) => {
        await vol.mkdir('/src');
        await vol.writeFile('/src/a', 'shared');
        await vol.link('/src/a', '/src/b');
        const src = await vol.stat('/src');
        await vol.meta.mknod(vol.caller, src.ino as Ino, Buffer.from('pipe'), { type: 'fifo', mode: 0o644 });
        await vol.clone('/src', '/dst');
        const [a, b] = [await vol.stat('/dst/a'), await vol.stat('/dst/b')];
        assert.notEqual(a.ino, b.ino);
        assert.equal(a.nlink, 1);
        assert.equal(await vol.readFile('/dst/b', 'utf8'), 'shared');
        assert.ok((await vol.lstat('/dst/pipe')).isFIFO());
      });
    });

    it('rule 9: EINVAL, ENOENT, ENOTDIR, EEXIST, EACCES, EXDEV and EPERM', async () => {
      await withCloneVolume(engine, who, async ({ vol, another }) => {
        await vol.mkdir('/src/inner', { recursive: true });
        await vol.writeFile('/file', 'x');
        await assert.rejects(vol.clone('/src', '/src/inner/copy'), code('EINVAL'));
        await assert.rejects(vol.clone('/src', '/src/copy'), code('EINVAL'));
        await assert.rejects(vol.clone('/missing', '/x'), code('ENOENT'));
        await assert.rejects(vol.clone('/src', '/nodir/x'), code('ENOENT'));
        await assert.rejects(vol.clone('/src', '/file/x'), code('ENOTDIR'));
        await assert.rejects(vol.clone('/src', '/file'), code('EEXIST'));
        const other = await another({ caller: { uid: 4321, gid: 4321, gids: [] } });
        await assert.rejects(other.clone('/src', '/mine'), code('EACCES'), 'no write permission on the destination parent');
        await vol.mkdir('/open', { mode: 0o777 });
        await vol.chmod('/open', 0o777);
        await vol.writeFile('/src/secret', 'x');
        await vol.chmod('/src/secret', 0o600);
        await assert.rejects(other.clone('/src', '/open/copy'), code('EACCES'), 'no read permission in the source tree');
        assert.equal(await vol.exists('/open/copy'), false);
        const elsewhere = { settings: { ...vol.settings, uuid: 'another-volume' } } as never;
        await assert.rejects(vol.clone('/src', '/c', { target: elsewhere }), code('EXDEV'));
        await assert.rejects(vol.meta.clone(vol.caller, { src: FIRST_INTERNAL_INO as Ino, parent: ROOT_INO, name: Buffer.from('x') }), code('EPERM'));
      });
    });

    it('rule 10: logical usage grows by the clone, physical usage does not', async () => {
      await withCloneVolume(engine, who, async ({ vol, storageDir }) => {
        const built = await buildTree(vol, '/src');
        const before = await vol.statfs();
        const totals = await vol.meta.engine.totals();
        const objects = countObjects(storageDir);
        await vol.clone('/src', '/dst');
        const after = await vol.statfs();
        assert.equal(after.usedBytes - before.usedBytes, built.bytes);
        assert.equal(after.inodes - before.inodes, built.inodes);
        const t2 = await vol.meta.engine.totals();
        assert.equal(t2.sliceBytes, totals.sliceBytes);
        assert.equal(countObjects(storageDir), objects);
        assert.equal(t2.fileBytes, after.usedBytes);
        assert.equal(t2.inodes, after.inodes);
      });
    });

    it('rule 7: a cancelled clone leaves nothing behind and counts go back', async () => {
      await withCloneVolume(engine, who, async ({ vol }) => {
        await buildTree(vol, '/src', { files: 80, fileSize: 100 });
        const before = await vol.statfs();
        const totals = await vol.meta.engine.totals();
        const controller = new AbortController();
        let calls = 0;
        await assert.rejects(
          vol.clone('/src', '/dst', { batchSize: 10, signal: controller.signal, onProgress: () => ++calls === 3 && controller.abort() }),
          (e: unknown) => e instanceof Error && /abort/i.test(`${e.name} ${e.message} ${(e as FsError).detail ?? ''}`),
        );
        assert.equal(await vol.exists('/dst'), false);
        assert.deepEqual(await vol.meta.engine.listDetached(), []);
        assert.deepEqual(await vol.statfs(), before);
        const t2 = await vol.meta.engine.totals();
        assert.deepEqual({ ...t2 }, { ...totals });
      });
    });

    it('a dst ending in / means dst/<basename of src>', async () => {
      await withCloneVolume(engine, who, async ({ vol }) => {
        await vol.mkdir('/into');
        await vol.writeFile('/f', 'x');
        await vol.clone('/f', '/into/');
        assert.equal(await vol.readFile('/into/f', 'utf8'), 'x');
      });
    });

    it('consistent: the copy is the source as of one instant, never a mix of before and after a change', async () => {
      await withCloneVolume(engine, who, async ({ vol, another }) => {
        await buildTree(vol, '/src', { files: 40, fileSize: 10 });
        const writer = await another();
        // New files are written outside the source and renamed in: writeFile is a create, then a
        // write (a state with an empty file between them), while a rename is one change.
        await writer.mkdir('/staging');
        for (const i of [0, 1, 2, 3, 4]) await writer.writeFile(`/staging/new${i}`, 'n');
        // Every state the source passes through; a consistent clone must equal one of them.
        const states = [await describeTree(writer, '/src')];
        let changes: Promise<void> | undefined;
        const change = async () => {
          const steps = [
            ...[0, 1, 2, 3, 4].map((i) => () => writer.rename(`/staging/new${i}`, `/src/new${i}`)),
            ...[2, 5, 8].map((i) => () => writer.unlink(`/src/sub/deeper/f${i}`)),
            () => writer.rename('/src/sub/deeper/f11', '/src/moved'),
          ];
          for (const step of steps) {
            await step();
            states.push(await describeTree(writer, '/src'));
          }
        };
        await vol.clone('/src', '/snap', { consistent: true, batchSize: 5, onProgress: () => void (changes ??= change()) });
        await changes;
        assert.ok(await vol.exists('/src/moved'), 'the changes happened');
        const snap = await describeTree(vol, '/snap');
        assert.ok(states.some((state) => isDeepStrictEqual(snap, state)), 'the snapshot is one state the source went through');
      });
    });
  });
}
