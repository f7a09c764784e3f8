import assert from 'node:assert/strict';
import { assertFsckClean, outcome } from '../checks.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

const actions = {
  /** One rename; its errno (or 'ok'). */
  async move(w: WorkerSide, args: { from: string; to: string }) {
    return outcome(w.volume().rename(args.from, args.to));
  },
};

export const crossingDirectoryMoves = defineScenario({
  name: 'crossing',
  title: 'directories moved into each other at once (a ring of renames): never a cycle, nothing detached',
  clients: 4,
  actions,
  async run({ vol, clients, scale }) {
    const n = clients.length;
    const rounds = scaled(10, scale);
    let moved = 0;
    for (let r = 0; r < rounds; r++) {
      const base = `/x/r${r}`;
      for (let i = 0; i < n; i++) await vol.mkdir(`${base}/c${i}`, { recursive: true });
      // Each process moves its directory into the next one's: all of them succeeding would close a ring.
      const outcomes = await Promise.all(clients.map((c) => c.run('move', { from: `${base}/c${c.index}`, to: `${base}/c${(c.index + 1) % n}/c${c.index}` })));
      for (const o of outcomes) assert.ok(['ok', 'ENOENT', 'EINVAL'].includes(o), `round ${r}: ${outcomes}`);
      const ok = outcomes.filter((o) => o === 'ok').length;
      assert.ok(ok >= 1 && ok < n, `round ${r}: some moves win, never all ${n} (${outcomes})`);
      moved += ok;
      const found: string[] = [];
      const walk = async (dir: string, depth: number): Promise<void> => {
        assert.ok(depth <= n, `${dir}: deeper than ${n} directories`);
        for (const e of await vol.readdir(dir, { withFileTypes: true })) {
          found.push(e.name);
          await walk(`${dir}/${e.name}`, depth + 1);
        }
      };
      await walk(base, 0);
      assert.deepEqual(found.sort(), Array.from({ length: n }, (_, i) => `c${i}`), `round ${r}: every directory reachable once (${outcomes})`);
      assert.equal((await vol.stat(base)).nlink, 2 + n - ok, `round ${r}: ${base} lost one subdirectory per successful move`);
    }
    assert.ok(moved >= rounds);
    await assertFsckClean(vol, 'after the crossing moves');
  },
});
