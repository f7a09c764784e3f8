import assert from 'node:assert/strict';
import { assertFsckClean, assertStoreExact, describeError, mapLimit } from '../checks.js';
import { tagged, tagOf } from '../patterns.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

const DIR = '/race';
/** A file's length depends on its name only, so the expected usedBytes does not depend on who won. */
const lengthOf = (name: string) => 20 + ([...name].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % 200);

interface Plan {
  own: string[];
  contestedFiles: string[];
  contestedDirs: string[];
}

const actions = {
  /** Creates this worker's own names and tries every contested one (O_EXCL files, mkdir); reports who won what. */
  async create(w: WorkerSide, plan: Plan) {
    const vol = w.volume();
    type Step = { name: string; kind: 'own' | 'file' | 'dir' };
    const contested: Step[] = [...plan.contestedFiles.map((name) => ({ name, kind: 'file' as const })), ...plan.contestedDirs.map((name) => ({ name, kind: 'dir' as const }))];
    // Every worker takes the contested names in the same order, so they collide, between its own creates.
    const steps: Step[] = [];
    const every = Math.max(1, Math.floor(plan.own.length / Math.max(1, contested.length)));
    let c = 0;
    plan.own.forEach((name, i) => {
      steps.push({ name, kind: 'own' });
      if (i % every === 0 && c < contested.length) steps.push(contested[c++]!);
    });
    steps.push(...contested.slice(c));
    const won: string[] = [];
    const lost: string[] = [];
    const errors: string[] = [];
    for (const step of steps) {
      const path = `${DIR}/${step.name}`;
      try {
        if (step.kind === 'dir') await vol.mkdir(path);
        else await vol.writeFile(path, tagged(step.kind === 'own' ? step.name : `${step.name}@${w.index}`, lengthOf(step.name)), { flag: 'wx' });
        if (step.kind !== 'own') won.push(step.name);
      } catch (err) {
        if (step.kind !== 'own' && (err as { code?: string }).code === 'EEXIST') lost.push(step.name);
        else errors.push(describeError(path, err));
      }
    }
    return { won, lost, errors };
  },

  /** The directory as this client sees it. */
  async list(w: WorkerSide, args: { dir: string }) {
    return (await w.volume().readdir(args.dir)).sort();
  },
};

export const createsInOneDirectory = defineScenario({
  name: 'creates',
  title: 'creates in one directory: distinct names all land, each contested name is created exactly once',
  clients: 4,
  actions,
  async run({ vol, storageDir, clients, scale }) {
    const k = scaled(60, scale);
    const plan = (i: number): Plan => ({
      own: Array.from({ length: k }, (_, j) => `w${i}-${j}`),
      contestedFiles: Array.from({ length: scaled(20, scale) }, (_, j) => `c${j}`),
      contestedDirs: Array.from({ length: scaled(8, scale) }, (_, j) => `d${j}`),
    });
    const { contestedFiles, contestedDirs } = plan(0);
    await vol.mkdir(DIR);
    const before = await vol.statfs();

    const results = await Promise.all(clients.map((c) => c.run('create', plan(c.index))));
    assert.deepEqual(results.map((r) => r.errors), clients.map(() => []), 'no create failed except with EEXIST on a contested name');
    for (const name of [...contestedFiles, ...contestedDirs]) {
      const winners = results.flatMap((r, i) => (r.won.includes(name) ? [i] : []));
      const losers = results.flatMap((r, i) => (r.lost.includes(name) ? [i] : []));
      assert.equal(winners.length, 1, `${name}: exactly one process created it (winners ${winners})`);
      assert.equal(losers.length, clients.length - 1, `${name}: every other process got EEXIST`);
    }

    const expected = [
      ...clients.flatMap((c) => plan(c.index).own),
      ...contestedFiles,
      ...contestedDirs,
    ].sort();
    const names = (await vol.readdir(DIR)).sort();
    assert.equal(new Set(names).size, names.length, 'no name listed twice');
    assert.deepEqual(names, expected, 'no entry lost, none extra');
    const seen = await Promise.all(clients.map((c) => c.run('list', { dir: DIR })));
    for (const [i, list] of seen.entries()) assert.deepEqual(list, expected, `client ${i} lists the same directory`);

    const contents = await mapLimit(names, 16, async (name) => {
      const st = await vol.stat(`${DIR}/${name}`);
      if (st.isDirectory()) return { name, tag: 'dir', nlink: st.nlink, size: 0 };
      return { name, tag: tagOf(await vol.readFile(`${DIR}/${name}`)), nlink: st.nlink, size: st.size };
    });
    let bytes = 0;
    for (const c of contents) {
      bytes += c.size;
      if (contestedDirs.includes(c.name)) {
        assert.deepEqual([c.tag, c.nlink], ['dir', 2], c.name);
        continue;
      }
      assert.equal(c.size, lengthOf(c.name), `${c.name}: length`);
      assert.equal(c.nlink, 1, `${c.name}: one link`);
      const winner = results.findIndex((r) => r.won.includes(c.name));
      assert.equal(c.tag, contestedFiles.includes(c.name) ? `${c.name}@${winner}` : c.name, `${c.name}: written whole, by its creator`);
    }
    assert.equal((await vol.stat(DIR)).nlink, 2 + contestedDirs.length, 'the directory counts its subdirectories');
    assert.deepEqual(await vol.statfs(), { inodes: before.inodes + names.length, usedBytes: before.usedBytes + bytes }, 'inode and byte counters exact');
    await assertFsckClean(vol, 'after the creates');
    await assertStoreExact(vol, storageDir, 'after the creates');
  },
});
