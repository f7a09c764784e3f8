import assert from 'node:assert/strict';
import path from 'node:path';
import { O_RDONLY } from '../../../src/vfs/open-flags.js';
import { ROOT_CALLER, type Ino, type SessionId } from '../../../src/meta/types.js';
import { collectGarbage } from '../../../src/sdk/index.js';
import { countObjects } from '../../support/tree.js';
import { assertFsckClean, outcome } from '../checks.js';
import { tagged } from '../patterns.js';
import { scaled } from '../scale.js';
import { defineScenario, type WorkerSide } from '../scenario.js';

/** Session lifetime of the client that dies: long enough to look at its leftovers before it expires. */
const TTL_MS = 4000;

const actions = {
  /** Opens each file and unlinks it through the same session, which then sustains the inodes. */
  async holdUnlinked(w: WorkerSide, args: { paths: string[] }) {
    const meta = w.meta();
    const inos: number[] = [];
    for (const p of args.paths) {
      const attr = await meta.resolve(ROOT_CALLER, p);
      await meta.open(ROOT_CALLER, attr.ino, O_RDONLY);
      const parent = await meta.resolve(ROOT_CALLER, path.posix.dirname(p));
      await meta.unlink(ROOT_CALLER, parent.ino, Buffer.from(path.posix.basename(p)));
      inos.push(attr.ino);
    }
    return { session: meta.session as number, inos };
  },
};

export const deadSessionSustainedInodes = defineScenario({
  name: 'dead-session',
  title: 'a client killed holding open unlinked files: inodes stay until its session expires, then gc removes them and their objects',
  clients: 0,
  actions,
  async run({ vol, storageDir, spawnClient, scale }) {
    await vol.mkdir('/s');
    const before = await vol.statfs();
    const objectsBefore = countObjects(storageDir);
    const paths = [0, 1, 2].map((i) => `/s/k${i}`);
    for (const p of paths) await vol.writeFile(p, tagged(p, scaled(150_000, scale)));
    const withFiles = { statfs: await vol.statfs(), objects: countObjects(storageDir) };

    const doomed = await spawnClient({ sessionTtlMs: TTL_MS });
    const { session, inos } = await doomed.run('holdUnlinked', { paths });
    assert.equal((await doomed.kill('SIGKILL')).signal, 'SIGKILL');
    const record = (await vol.meta.engine.listSessions()).find((s) => s.id === session);
    assert.ok(record, 'the dead client’s session is still registered');

    for (const p of paths) assert.equal(await vol.exists(p), false, `${p}: the name is gone`);
    for (const ino of inos) assert.equal((await vol.meta.getattr(ino as Ino)).nlink, 0, `inode ${ino} stays, sustained by the dead session`);
    assert.deepEqual([...(await vol.meta.engine.listSustained(session as SessionId))].sort(), [...inos].sort());
    assert.deepEqual(await vol.statfs(), withFiles.statfs, 'sustained inodes still count');
    await assertFsckClean(vol, 'while the dead session has not expired');
    const early = await collectGarbage(vol, { delete: true });
    assert.ok(Date.now() < record.expires, `gc ran before the session expired (raise TTL_MS if this machine is this slow)`);
    assert.deepEqual([early.metadata.expiredSessions, early.metadata.sustainedInodes], [0, 0], 'gc spares a session that has not expired');
    for (const ino of inos) assert.equal(await outcome(vol.meta.getattr(ino as Ino)), 'ok');
    assert.equal(countObjects(storageDir), withFiles.objects, 'the data is kept');

    // No client cleans expired sessions on its own (only gc does): wait for the expiry, then gc.
    while (Date.now() <= record.expires) await new Promise((r) => setTimeout(r, record.expires - Date.now() + 20));
    const late = await collectGarbage(vol, { delete: true });
    assert.deepEqual([late.metadata.expiredSessions, late.metadata.sustainedInodes], [1, inos.length], 'gc cleans the expired session and its inodes');
    for (const ino of inos) assert.equal(await outcome(vol.meta.getattr(ino as Ino)), 'ENOENT', `inode ${ino} is gone`);
    assert.ok(!(await vol.meta.engine.listSessions()).some((s) => s.id === session), 'the session record is gone');
    assert.deepEqual(await vol.meta.engine.listSustained(session as SessionId), []);
    await vol.settle();
    assert.equal(countObjects(storageDir), objectsBefore, 'after draining, the files’ objects are deleted');
    assert.deepEqual(await vol.statfs(), before, 'counters back to before the files');
    await assertFsckClean(vol, 'after gc');
  },
});
