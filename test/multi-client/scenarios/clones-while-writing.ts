import assert from 'node:assert/strict';
import type { Volume } from '../../../src/sdk/index.js';
import { countObjects } from '../../support/tree.js';
import { randInt, seededRandom } from '../../support/random.js';
import { assertFsckClean, assertStoreExact, describeError, eventually } from '../checks.js';
import { tagged, tagOf } from '../patterns.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

const DIRS = ['', '/a', '/a/b'];
/** The source files: path below the tree root, and length (some span several 64 KiB blocks). */
const sourceFiles = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, rel: `${DIRS[i % 3]}/f${i}`, length: 1000 + i * 13_000 }));

const actions = {
  /** Clones the whole tree, and one file, again and again. */
  async clone(w: WorkerSide, args: { count: number; files: string[] }) {
    const vol = w.volume();
    const errors: string[] = [];
    const made: string[] = [];
    for (let k = 0; k < args.count; k++) {
      for (const [src, dst] of [['/src', `/clones/t${w.index}-${k}`], [`/src${args.files[k % args.files.length]}`, `/clones/f${w.index}-${k}`]] as const) {
        try {
          await vol.clone(src, dst);
          made.push(dst);
        } catch (err) {
          errors.push(describeError(`clone ${src} ${dst}`, err));
        }
      }
    }
    return { made, errors };
  },

  /** Overwrites source files whole (same length, one commit at close), creates and removes new files. */
  async mutate(w: WorkerSide, args: { updates: number; files: Array<{ rel: string; length: number }> }) {
    const vol = w.volume();
    const rand = seededRandom(9000 + w.index);
    const versions: Record<string, string[]> = {};
    const created: string[] = [];
    const errors: string[] = [];
    for (let u = 0; u < args.updates; u++) {
      const roll = rand();
      const version = `${w.index}.${u}`;
      try {
        if (roll < 0.6 || (roll >= 0.8 && !created.length)) {
          const f = args.files[randInt(rand, args.files.length)]!;
          const name = f.rel.slice(f.rel.lastIndexOf('/') + 1);
          (versions[name] ??= []).push(version);
          const h = await vol.open(`/src${f.rel}`, 'r+');
          try {
            await h.write(tagged(`${name}#${version}`, f.length), 0);
          } finally {
            await h.close();
          }
        } else if (roll < 0.8) {
          const name = `n${w.index}-${u}`;
          await vol.writeFile(`/src/a/${name}`, tagged(`${name}#0`, 5000 + u * 700), { flag: 'wx' });
          created.push(name);
        } else {
          await vol.unlink(`/src/a/${created.shift()!}`);
        }
      } catch (err) {
        errors.push(describeError(`update ${u}`, err));
      }
    }
    return { versions, errors };
  },
};

/** Checks a clone (or the source) of the tree: the fixed layout, and every file a whole version some writer wrote. */
async function checkTree(vol: Volume, root: string, spec: { files: ReturnType<typeof sourceFiles>; versions: Map<string, Set<string>> }): Promise<void> {
  for (const d of DIRS) assert.ok((await vol.stat(`${root}${d}`)).isDirectory(), `${root}${d}`);
  assert.equal(await vol.readlink(`${root}/link`), 'f0');
  for (const f of spec.files) {
    const data = await vol.readFile(`${root}${f.rel}`);
    assert.equal(data.length, f.length, `${root}${f.rel}: length`);
    const tag = tagOf(data);
    const version = tag?.slice(`${f.name}#`.length);
    assert.ok(tag?.startsWith(`${f.name}#`) && spec.versions.get(f.name)!.has(version!), `${root}${f.rel}: a whole version, not '${data.subarray(0, 30).toString()}…'`);
  }
  for (const name of await vol.readdir(`${root}/a`)) {
    if (!name.startsWith('n')) continue;
    const data = await vol.readFile(`${root}/a/${name}`);
    // Created (empty), then written at close: a directory clone may catch it in between.
    assert.ok(data.length === 0 || tagOf(data) === `${name}#0`, `${root}/a/${name}: empty or whole`);
  }
}

export const clonesWhileWriting = defineScenario({
  name: 'clones',
  title: 'clones of a tree racing with writes into it: every cloned file is a whole version, reference counts exact',
  clients: 4,
  actions,
  async run({ vol, storageDir, clients, scale }) {
    const files = sourceFiles(scaled(12, scale));
    for (const d of DIRS) await vol.mkdir(`/src${d}`, { recursive: true });
    for (const f of files) await vol.writeFile(`/src${f.rel}`, tagged(`${f.name}#0`, f.length));
    await vol.symlink('f0', '/src/link');
    await vol.mkdir('/clones');
    const objectsBefore = countObjects(storageDir);

    const [cloners, writers] = [clients.slice(0, 2), clients.slice(2)];
    const [cloned, mutated] = await Promise.all([
      Promise.all(cloners.map((c) => c.run('clone', { count: scaled(3, scale), files: files.map((f) => f.rel) }))),
      Promise.all(writers.map((c) => c.run('mutate', { updates: scaled(25, scale), files }))),
    ]);
    assert.deepEqual([...cloned, ...mutated].map((r) => r.errors), clients.map(() => []), 'every clone and write succeeded');

    const versions = new Map(files.map((f) => [f.name, new Set(['0'])]));
    for (const r of mutated) for (const [name, vs] of Object.entries(r.versions)) for (const v of vs) versions.get(name)!.add(v);
    const spec = { files, versions };
    await checkTree(vol, '/src', spec);
    for (const dst of cloned.flatMap((r) => r.made)) {
      if (dst.startsWith('/clones/t')) await checkTree(vol, dst, spec);
      else {
        const data = await vol.readFile(dst);
        const name = tagOf(data)?.split('#')[0];
        assert.ok(name && versions.get(name)?.has(tagOf(data)!.slice(name.length + 1)), `file clone ${dst} is a whole version`);
      }
    }

    await assertFsckClean(vol, 'after clones raced with writes');
    await assertStoreExact(vol, storageDir, 'after clones raced with writes');
    await vol.rm('/clones', { recursive: true });
    await vol.rm('/src', { recursive: true });
    await eventually(async () => {
      await vol.settle();
      assert.deepEqual(await vol.statfs(), { inodes: 1, usedBytes: 0 }, 'everything deleted: counters back to an empty volume');
      assert.equal(countObjects(storageDir), 0, `every object freed (there were ${objectsBefore} before the race): no reference leaked`);
    });
    await assertFsckClean(vol, 'after deleting everything');
  },
});
