// The LOOKUP of a name that is not there, which the kernel sends before every create, through the
// metadata layer a mount serves it with: µs per lookup with FsErrors capturing stack frames (the
// SDK's default) and without (`FsError.stacks = false`, what a serving mount process sets),
// alternating rounds in one process, per engine.
//   npx tsx bench/negative-lookups.ts [--lookups 5000] [--rounds 4] [--engines sqlite3,redis,postgres]
import { parseArgs } from 'node:util';
import { FsError, isFsError } from '../src/errors/index.js';
import { n, root } from '../src/meta/testing/harness.js';
import { ROOT_INO } from '../src/meta/types.js';
import { onFreshVolumes } from './support/fresh-volumes.js';

const { values } = parseArgs({
  options: {
    lookups: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '4' },
    engines: { type: 'string', default: 'sqlite3,redis,postgres' },
  },
});
const LOOKUPS = Number(values.lookups);
const ROUNDS = Number(values.rounds);

await onFreshVolumes(values.engines!, async (name, m) => {
  try {
    const dir = (await m.mkdir(root, ROOT_INO, n('d'), 0o755)).ino;
    const round = async (stacks: boolean) => {
      FsError.stacks = stacks;
      const t0 = performance.now();
      for (let i = 0; i < LOOKUPS; i++) {
        await m.lookup(root, dir, n(`missing-${i}`)).then(
          () => { throw new Error('found a name that was never made'); },
          (err: unknown) => { if (!isFsError(err, 'ENOENT')) throw err; },
        );
      }
      return ((performance.now() - t0) / LOOKUPS) * 1000;
    };
    const on: number[] = [];
    const off: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      on.push(await round(true));
      off.push(await round(false));
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');
    console.log(`${name}: µs per missing-name lookup, with stack frames ${fmt(on)}; without ${fmt(off)}`);
  } finally {
    FsError.stacks = true;
  }
});
