import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FsError } from '../../errors/index.js';
import type { Engine } from '../engine.js';
import { n, root, withMeta } from '../testing/harness.js';
import { testEngines } from '../testing/test-engines.js';
import { type Ino, ROOT_INO } from '../types.js';
import { AbandonedClones } from './abandoned-clones.js';

it('a removal that fails during an engine outage is logged and retried when the engine answers again', async () => {
  const mem = testEngines().find((e) => e.name === 'mem')!;
  await withMeta(mem, async (m) => {
    const dir = await m.mkdir(root, ROOT_INO, n('copy'), 0o755);
    await m.engine.txn(async (tx) => {
      await tx.deleteEdge(ROOT_INO, n('copy'));
      await tx.putDetached({ ino: dir.ino, session: m.session, createdAt: Date.now() });
    });
    let down = true;
    const flaky = new Proxy(m.engine, {
      get: (target, key) => {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (down ? Promise.reject(new FsError('EIO', { detail: 'engine down' })) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    }) as Engine;
    const lines: string[] = [];
    const abandoned = new AbandonedClones(flaky, (l) => lines.push(l));
    await abandoned.remove(dir.ino);
    assert.deepEqual(abandoned.pending, [dir.ino]);
    assert.match(lines[0]!, /failed \(EIO.*retried/);
    await abandoned.retry();
    assert.deepEqual(abandoned.pending, [dir.ino], 'still down: kept');
    down = false;
    await abandoned.retry();
    assert.deepEqual(abandoned.pending, []);
    assert.deepEqual(await m.engine.listDetached(), []);
    assert.equal(await m.engine.read((tx) => tx.getInode(dir.ino as Ino)), undefined);
  });
});
