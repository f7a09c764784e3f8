import assert from 'node:assert/strict';
import type { Volume } from '../../../src/sdk/index.js';
import { randInt, seededRandom } from '../../support/random.js';
import { assertFsckClean, describeError } from '../checks.js';
import { tagged, tagOf } from '../patterns.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

const ROOT = '/mv';

/** Where things are, from one walk: item name → its path, and every directory's path and link count. */
interface Snapshot {
  items: Record<string, string>;
  dirs: Record<string, { nlink: number; subdirs: number }>;
}

/** Walks the tree under ROOT. While others rename, a walk may miss an item or see one twice; `seen` counts. */
async function walk(vol: Volume): Promise<Snapshot & { seen: Record<string, number>; strays: string[] }> {
  const snap: Snapshot & { seen: Record<string, number>; strays: string[] } = { items: {}, dirs: {}, seen: {}, strays: [] };
  const visit = async (dir: string): Promise<void> => {
    let entries;
    let nlink;
    try {
      [entries, nlink] = await Promise.all([vol.readdir(dir, { withFileTypes: true }), vol.stat(dir).then((s) => s.nlink)]);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return; // moved away meanwhile
      throw err;
    }
    snap.dirs[dir] = { nlink, subdirs: entries.filter((e) => e.isDirectory()).length };
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (/^(f|s)\d+$/.test(e.name)) {
        snap.items[e.name] = path;
        snap.seen[e.name] = (snap.seen[e.name] ?? 0) + 1;
      } else if (!/^(d\d+|in-s\d+)$/.test(e.name)) snap.strays.push(path);
      if (e.isDirectory()) await visit(path);
    }
  };
  await visit(ROOT);
  return snap;
}

const actions = {
  /** Moves random items (files and directories) to random directories, from a fresh walk each round. */
  async shuffle(w: WorkerSide, args: { rounds: number; movesPerRound: number; seed: number }) {
    const vol = w.volume();
    const rand = seededRandom(args.seed);
    const counts = { ok: 0, ENOENT: 0, EINVAL: 0, readsChecked: 0 };
    const errors: string[] = [];
    for (let round = 0; round < args.rounds; round++) {
      const snap = await walk(vol);
      const names = Object.keys(snap.items);
      const dirs = Object.keys(snap.dirs);
      for (let m = 0; m < args.movesPerRound && names.length; m++) {
        // Directories often, so that two processes move directories into each other.
        const dirsFirst = names.filter((n) => n.startsWith('s'));
        const pool = rand() < 0.4 && dirsFirst.length ? dirsFirst : names;
        const name = pool[randInt(rand, pool.length)]!;
        const from = snap.items[name]!;
        // Not into its own directory, and (by this snapshot) not into itself.
        const targets = dirs.filter((d) => d !== from.slice(0, from.lastIndexOf('/')) && d !== from && !d.startsWith(`${from}/`));
        const to = `${targets[randInt(rand, targets.length)]!}/${name}`;
        try {
          await vol.rename(from, to, { noReplace: rand() < 0.5 });
          counts.ok++;
        } catch (err) {
          const code = (err as { code?: string }).code;
          // A stale snapshot: the item or a directory on either path moved (ENOENT), or the
          // target now lies inside the moving directory (EINVAL). EEXIST would mean a duplicate name.
          if (code === 'ENOENT' || code === 'EINVAL') counts[code]++;
          else errors.push(describeError(`${from} -> ${to}`, err));
          continue;
        }
        if (name.startsWith('f')) {
          const data = await vol.readFile(to).catch((err: { code?: string }) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
          if (data && tagOf(data) !== name) errors.push(`${to}: content ${data.subarray(0, 20).toString()}… is not ${name}'s`);
          if (data) counts.readsChecked++;
        }
      }
    }
    return { counts, errors };
  },

  /** Where this client sees everything once the races are over. */
  async locate(w: WorkerSide) {
    return walk(w.volume());
  },
};

export const renamesAcrossDirectories = defineScenario({
  name: 'renames',
  title: 'renames across directories: every file and directory ends up exactly once, intact, with exact link counts',
  clients: 4,
  actions,
  async run({ vol, clients, scale }) {
    const files = scaled(24, scale);
    const subdirs = scaled(6, scale);
    const top = [0, 1, 2].map((i) => `${ROOT}/d${i}`);
    for (const d of top) await vol.mkdir(d, { recursive: true });
    const lengthOf = (i: number) => 300 + i * 97;
    for (let i = 0; i < files; i++) await vol.writeFile(`${top[i % 3]}/f${i}`, tagged(`f${i}`, lengthOf(i)));
    for (let j = 0; j < subdirs; j++) {
      await vol.mkdir(`${top[j % 3]}/s${j}`);
      await vol.writeFile(`${top[j % 3]}/s${j}/in-s${j}`, tagged(`in-s${j}`, 200));
    }
    const before = await vol.statfs();

    const args = (i: number) => ({ rounds: scaled(12, scale), movesPerRound: 4, seed: 1000 + i });
    const results = await Promise.all(clients.map((c) => c.run('shuffle', args(c.index))));
    assert.deepEqual(results.map((r) => r.errors), clients.map(() => []), 'only lost races (ENOENT, EINVAL), no duplicate names, no torn content');
    const moved = results.reduce((n, r) => n + r.counts.ok, 0);
    assert.ok(moved >= clients.length, `the processes did move things (${JSON.stringify(results.map((r) => r.counts))})`);

    const final = await walk(vol);
    assert.deepEqual(final.strays, [], 'no unexpected names');
    const expectedItems = [...Array.from({ length: files }, (_, i) => `f${i}`), ...Array.from({ length: subdirs }, (_, j) => `s${j}`)].sort();
    assert.deepEqual(Object.keys(final.seen).sort(), expectedItems, 'every item is somewhere (none lost, none in a detached cycle)');
    for (const [name, n] of Object.entries(final.seen)) assert.equal(n, 1, `${name} is in exactly one directory`);
    for (const [dir, d] of Object.entries(final.dirs)) assert.equal(d.nlink, 2 + d.subdirs, `${dir}: link count is 2 + its ${d.subdirs} subdirectories`);
    for (let i = 0; i < files; i++) {
      const data = await vol.readFile(final.items[`f${i}`]!);
      assert.deepEqual([tagOf(data), data.length], [`f${i}`, lengthOf(i)], `f${i} intact`);
    }
    for (let j = 0; j < subdirs; j++) assert.equal(tagOf(await vol.readFile(`${final.items[`s${j}`]}/in-s${j}`)), `in-s${j}`, `s${j} kept its file`);
    for (const c of clients) {
      const seen = await c.run('locate');
      assert.deepEqual([seen.items, seen.dirs], [final.items, final.dirs], `client ${c.index} sees the same tree`);
    }
    assert.deepEqual(await vol.statfs(), before, 'renames change no counter');
    await assertFsckClean(vol, 'after the renames');
  },
});
